"""Divorce by registration (Civil Code art. 1077) on the real stack: the clocks with the calendar,
one open application per marriage, withdrawal, the certificate, and the durable lapse across a
restart."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, refused, running_service
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.application.marriage import scheduler
from minzheng_registry.entrypoints.app import Registry

if TYPE_CHECKING:
    from conftest import Running

_n = iter(range(1, 400))


def couple() -> tuple[str, str]:
    k = next(_n)
    h = make_resident_id("330727", date(1990, 1, 1) + timedelta(days=k), 11).reveal()
    w = make_resident_id("330727", date(1992, 1, 1) + timedelta(days=k), 22).reveal()
    return h, w


async def married(client: Any, office: str = "330727") -> tuple[str, str, str]:
    h, w = couple()
    body = {"party_a": h, "party_b": w, "office": office, "both_present": True}
    got = (await client.post("/marriages", body, expect=201)).json()
    return got["marriage_id"], h, w


APPLY = {"office": "330727", "both_present": True, "written_agreement": True}
ISSUE = {"office": "330727", "both_present": True}


START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def process(database: str, stack: Any, clock: ManualClock) -> Any:
    """One registry process on ``database`` (as the fixture starts it): a restart is a new one."""
    settings = ServiceSettings(
        "registry", database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer)
    )
    return running_service(Registry(settings, clock=clock, scheduler=False), issuer=stack.issuer)


async def count(client: ServiceClient, sql: str, *args: object) -> Any:
    async with client.service.host.store.pool.acquire() as conn:
        return await conn.fetchval(sql, *args)


def at(clock: ManualClock, day: date, hour: int = 10) -> None:
    clock.set(datetime.combine(day, datetime.min.time(), clock.now().tzinfo).replace(hour=hour))


async def test_the_clocks_count_from_day_0_and_move_to_the_next_working_day(registry: Running) -> None:
    mid, _, _ = await married(registry)
    a = (await registry.post(f"/marriages/{mid}/divorce-applications", APPLY, expect=201)).json()
    # received Monday 2026-03-02: day 30 is Wednesday 2026-04-01, day 60 Friday 2026-05-01
    assert (a["received_on"], a["cooling_off_ends"], a["certificate_deadline"]) == (
        "2026-03-02",
        "2026-04-01",
        "2026-05-01",
    )
    # declared holidays move both: 04-01 → 04-02; 05-01..05-05 (and the weekend) → 05-06
    await registry.post(
        "/calendar", {"jurisdiction": "330727", "day": "2026-04-01", "working": False}, expect=204
    )
    for d in range(1, 6):
        body = {"jurisdiction": "330727", "day": f"2026-05-0{d}", "working": False, "note": "劳动节"}
        await registry.post("/calendar", body, expect=204)
    mid2, _, _ = await married(registry)
    b = (await registry.post(f"/marriages/{mid2}/divorce-applications", APPLY, expect=201)).json()
    assert (b["cooling_off_ends"], b["certificate_deadline"]) == ("2026-04-02", "2026-05-06")
    due = await registry.fetchval(
        "SELECT due_at FROM deadlines WHERE kind = 'divorce-lapse' AND subject LIKE $1",
        f"%{b['application_id']}",
    )
    assert due == datetime(2026, 5, 7, tzinfo=registry.clock.now().tzinfo)
    # the cooling-off period's last day: no certificate yet; the day after: the certificate
    at(registry.clock, date(2026, 4, 2))
    path = f"/marriages/{mid2}/divorce-applications/{b['application_id']}/certificate"
    refused(await registry.post(path, ISSUE), 409, "cooling_off_not_over")
    at(registry.clock, date(2026, 4, 3))
    refused(await registry.post(path, {**ISSUE, "both_present": False}), 422, "both_parties_in_person")
    refused(
        await registry.post(path, {**ISSUE, "office": "330727101"}), 422, "not_the_receiving_office", "office"
    )
    got = (await registry.post(path, ISSUE, expect=201)).json()
    assert got["certificate_number"] == "L330727-2026-000001"
    marriage = (await registry.get(f"/marriages/{mid2}", expect=200)).json()
    assert marriage["status"] == "dissolved_by_divorce"
    assert marriage["divorce_certificate"] == got["certificate_number"]
    state = await registry.fetchval(
        "SELECT state FROM deadlines WHERE kind = 'divorce-lapse' AND subject LIKE $1",
        f"%{b['application_id']}",
    )
    assert state == "met"
    refused(await registry.post(path, ISSUE), 409, "application_closed")


async def test_both_parties_are_divorced_and_free_to_marry_again(registry: Running) -> None:
    mid, h, w = await married(registry)
    a = (await registry.post(f"/marriages/{mid}/divorce-applications", APPLY, expect=201)).json()
    at(registry.clock, date(2026, 4, 2))
    path = f"/marriages/{mid}/divorce-applications/{a['application_id']}/certificate"
    await registry.post(path, ISSUE, expect=201)
    for p in (h, w):
        status = (await registry.get(f"/people/{p}/marital-status", expect=200)).json()
        assert status["status"] == "divorced"
    again = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    await registry.post("/marriages", again, expect=201)


async def test_applying_requires_both_in_person_a_written_agreement_and_a_current_marriage(
    registry: Running,
) -> None:
    mid, _, _ = await married(registry)
    base = f"/marriages/{mid}/divorce-applications"
    refused(await registry.post(base, {**APPLY, "both_present": False}), 422, "both_parties_in_person")
    refused(
        await registry.post(base, {**APPLY, "written_agreement": False}), 422, "written_agreement_required"
    )
    missing = "/marriages/0d3a0000-0000-4000-8000-0000000000ff/divorce-applications"
    refused(await registry.post(missing, APPLY), 404, "marriage_not_found")
    await registry.post(base, APPLY, expect=201)
    refused(await registry.post(base, APPLY), 409, "divorce_application_open", "marriage_id")
    assert await registry.fetchval("SELECT count(*) FROM deadlines WHERE kind = 'divorce-lapse'") == 1


async def test_concurrent_applications_for_one_marriage_open_exactly_one(registry: Running) -> None:
    for _ in range(3):
        mid, _, _ = await married(registry)
        base = f"/marriages/{mid}/divorce-applications"
        answers = await asyncio.gather(*(registry.post(base, APPLY) for _ in range(4)))
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert await registry.fetchval("SELECT count(*) FROM deadlines WHERE kind = 'divorce-lapse'") == 3


async def test_either_party_withdraws_until_the_cooling_off_ends_and_a_new_application_restarts_the_clocks(
    registry: Running,
) -> None:
    mid, h, w = await married(registry)
    base = f"/marriages/{mid}/divorce-applications"
    first = (await registry.post(base, APPLY, expect=201)).json()
    stranger, _ = couple()
    wd = f"{base}/{first['application_id']}/withdrawal"
    refused(await registry.post(wd, {"by": stranger}), 422, "not_a_party", "by")
    at(registry.clock, date(2026, 4, 1))  # the last day of the cooling-off
    done = (await registry.post(wd, {"by": w}, expect=200)).json()
    assert done["state"] == "withdrawn"
    refused(await registry.post(wd, {"by": h}), 409, "application_closed")
    state = await registry.fetchval(
        "SELECT state FROM deadlines WHERE subject LIKE $1", f"%{first['application_id']}"
    )
    assert state == "cancelled"
    reused = {**APPLY, "application_id": first["application_id"]}
    refused(await registry.post(base, reused), 409, "application_exists", "application_id")
    second = (await registry.post(base, APPLY, expect=201)).json()
    assert (second["received_on"], second["cooling_off_ends"], second["certificate_deadline"]) == (
        "2026-04-01",
        "2026-05-01",
        "2026-06-01",  # day 60 is Sunday 2026-05-31
    )
    at(registry.clock, date(2026, 5, 2))
    refused(
        await registry.post(f"{base}/{second['application_id']}/withdrawal", {"by": h}),
        409,
        "cooling_off_over",
    )
    listed = (await registry.get("/divorce-applications?state=withdrawn", expect=200)).json()
    assert [a["application_id"] for a in listed] == [first["application_id"]]


async def test_concurrent_certificate_requests_register_one_divorce_with_one_serial(
    registry: Running,
) -> None:
    for round_ in range(1, 4):
        registry.clock.set(START)
        mid, _, _ = await married(registry)
        a = (await registry.post(f"/marriages/{mid}/divorce-applications", APPLY, expect=201)).json()
        at(registry.clock, date(2026, 4, 2))
        path = f"/marriages/{mid}/divorce-applications/{a['application_id']}/certificate"
        answers = await asyncio.gather(*(registry.post(path, ISSUE) for _ in range(4)))
        assert sorted(r.status_code for r in answers) == [201, 409, 409, 409]
        for r in answers:
            if r.status_code == 409:
                refused(r, 409, "application_closed")
        assert (
            await registry.fetchval("SELECT last FROM registry_certificate_serials WHERE kind = 'L'")
            == round_
        )


async def test_a_missed_deadline_lapses_once_across_a_restart(fresh_database: str, stack: Any) -> None:
    clock = ManualClock(START)
    async with process(fresh_database, stack, clock) as client:
        await load_national_standards(client.service.context())
        mid, _, _ = await married(client)
        a = (await client.post(f"/marriages/{mid}/divorce-applications", APPLY, expect=201)).json()
        assert a["certificate_deadline"] == "2026-05-01"
    # a new process on the same database: the deadline is in the table, not in memory
    async with process(fresh_database, stack, clock) as client:
        ctx = client.service.context()
        clock.set(datetime(2026, 5, 1, 23, 59, tzinfo=START.tzinfo))
        assert await scheduler.raise_due(ctx) == 0
        clock.set(datetime(2026, 5, 2, 0, 0, tzinfo=START.tzinfo))
        assert await scheduler.raise_due(ctx) == 1
        assert await scheduler.raise_due(ctx) == 0
        events = await count(
            client,
            "SELECT count(*) FROM events WHERE event_type = 'DivorceApplicationLapsed' AND stream_id = $1",
            f"marriage-{mid}",
        )
        assert events == 1
        occurred = await count(
            client, "SELECT occurred_at FROM events WHERE event_type = 'DivorceApplicationLapsed'"
        )
        assert occurred == datetime(2026, 5, 2, 0, 0, tzinfo=START.tzinfo)
        path = f"/marriages/{mid}/divorce-applications/{a['application_id']}/certificate"
        refused(await client.post(path, ISSUE), 409, "application_closed")
        # a lapse ends it: a new application starts the clocks again
        b = (await client.post(f"/marriages/{mid}/divorce-applications", APPLY, expect=201)).json()
        assert b["received_on"] == "2026-05-02"
    async with process(fresh_database, stack, clock) as client:
        clock.set(datetime(2026, 12, 1, tzinfo=START.tzinfo))
        assert await scheduler.raise_due(client.service.context()) == 1  # the second one, once
