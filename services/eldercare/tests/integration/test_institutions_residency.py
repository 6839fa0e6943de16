"""Residents on the real stack: admission under the guard rows, also concurrently (12 admissions
into 5 free beds admit exactly 5; one person admitted into 4 homes at once lives in exactly one;
a home whose standing row says suspended or closed admits no one); leave, its return date passed
flagged once by the durable deadline (also across a restart), return, medical visits, discharge
freeing the bed; one person's stays by resident ID, shown in full only to the roles that need it;
``ResidentAdmitted`` and ``ResidentDischarged`` on NATS as their contracts."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_contracts.eldercare import ResidentAdmitted, ResidentDischarged
from minzheng_eldercare.application.institutions.scheduler import raise_due
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running


TWIN = "5e5d0000-0000-4000-8000-000000000002"


def home(n: int, beds: int = 10, kind: str = "nursing_home") -> dict[str, Any]:
    return {
        "institution_id": f"home-{n}",
        "name": f"敬老院{n}",
        "kind": kind,
        "township": "330727101",
        "beds": beds,
        "model": "public",
        "registered_on": "2026-03-01",
    }


def person(n: int) -> str:
    return make_resident_id("330727", date(1940, 1, 1), n).reveal()


def admission(n: int, **over: Any) -> dict[str, Any]:
    return {
        "resident_id": person(n),
        "agreement_number": f"RZ-{n}",
        "agreement_date": "2026-03-01",
        "care_level": "partial",
        "is_tekun": True,
        "admitted_on": "2026-03-02",
    } | over


async def occupied(e: Running, iid: str) -> int:
    return int(await e.fetchval("SELECT occupied FROM institution_beds WHERE institution_id = $1", iid))


async def count(e: Running, event_type: str) -> int:
    return int(await e.fetchval("SELECT count(*) FROM events WHERE event_type = $1", event_type))


async def test_twelve_concurrent_admissions_into_five_free_beds_admit_exactly_five(
    eldercare: Running,
) -> None:
    await eldercare.post("/institutions", home(1, beds=8), expect=201)
    for n in range(1, 4):
        await eldercare.post("/institutions/home-1/admissions", admission(n), expect=201)
    responses = await asyncio.gather(
        *(eldercare.post("/institutions/home-1/admissions", admission(100 + n)) for n in range(12))
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 5, 409: 7}, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"no_free_bed"}
    assert await occupied(eldercare, "home-1") == 8
    assert await count(eldercare, "ResidentAdmitted") == 8
    listed = (await eldercare.get("/institutions/home-1/residents", status="resident")).json()
    assert listed["total"] == 8


async def test_one_person_admitted_into_four_homes_at_once_lives_in_exactly_one(eldercare: Running) -> None:
    for n in range(1, 5):
        await eldercare.post("/institutions", home(n), expect=201)
    responses = await asyncio.gather(
        *(eldercare.post(f"/institutions/home-{n}/admissions", admission(7)) for n in range(1, 5))
    )
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 3}, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"already_resident"}
    assert sum([await occupied(eldercare, f"home-{n}") for n in range(1, 5)]) == 1
    assert await count(eldercare, "ResidentAdmitted") == 1
    stays = (await eldercare.get("/residents", person=person(7))).json()
    assert stays["total"] == 1


async def test_no_admission_while_the_standing_row_says_suspended_or_closed(eldercare: Running) -> None:
    await eldercare.post("/institutions", home(1), expect=201)
    await eldercare.post("/institutions", home(2), expect=201)
    await eldercare.fetchval(
        "UPDATE institution_standing SET admissions_suspended = true "
        "WHERE institution_id = 'home-1' RETURNING 1"
    )
    await eldercare.fetchval(
        "UPDATE institution_standing SET admissions_suspended = true, closed = true "
        "WHERE institution_id = 'home-2' RETURNING 1"
    )
    refused(
        await eldercare.post("/institutions/home-1/admissions", admission(1)), 409, "admissions_suspended"
    )
    refused(await eldercare.post("/institutions/home-2/admissions", admission(1)), 409, "institution_closed")
    refused(
        await eldercare.post("/institutions/home-3/admissions", admission(1)), 404, "institution_not_found"
    )
    assert await count(eldercare, "ResidentAdmitted") == 0
    assert await eldercare.fetchval("SELECT count(*) FROM institution_stays") == 0
    assert await occupied(eldercare, "home-1") == 0


async def test_an_admission_waits_for_a_suspension_in_flight_and_is_refused_by_it(eldercare: Running) -> None:
    """The admission reads the standing row ``FOR SHARE``: while the inspections area's update of
    the row (a suspension) is uncommitted, the admission waits for it and then sees it."""
    await eldercare.post("/institutions", home(1), expect=201)
    pool = eldercare.service.host.store.pool
    async with pool.acquire() as inspector, pool.acquire() as watcher:
        suspension = inspector.transaction()
        await suspension.start()
        await inspector.execute(
            "UPDATE institution_standing SET admissions_suspended = true WHERE institution_id = 'home-1'"
        )
        admitting = asyncio.create_task(eldercare.post("/institutions/home-1/admissions", admission(1)))
        for _ in range(500):  # until the admission waits on the row (or has finished: then it failed)
            waiting = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if waiting or admitting.done():
                break
            await asyncio.sleep(0.01)
        await suspension.commit()
        response = await admitting
    refused(response, 409, "admissions_suspended")
    assert await occupied(eldercare, "home-1") == 0


async def test_an_admission_re_sent_returns_its_result_and_another_under_its_id_is_refused(
    eldercare: Running,
) -> None:
    await eldercare.post("/institutions", home(1), expect=201)
    body = admission(1, residency_id="5e5d0000-0000-4000-8000-000000000001")
    first = (await eldercare.post("/institutions/home-1/admissions", body, expect=201)).json()
    again = (await eldercare.post("/institutions/home-1/admissions", body, expect=201)).json()
    assert again == first
    twins = await asyncio.gather(
        *(eldercare.post("/institutions/home-1/admissions", body | {"residency_id": TWIN}) for _ in range(3))
    )
    assert [r.status_code for r in twins] == [409, 409, 409]  # the person lives here already
    other = admission(2, residency_id=TWIN)
    twins = await asyncio.gather(
        *(eldercare.post("/institutions/home-1/admissions", other) for _ in range(3))
    )
    assert [r.status_code for r in twins] == [201, 201, 201], [r.text for r in twins]
    assert len({r.text for r in twins}) == 1
    assert await occupied(eldercare, "home-1") == 2
    refused(
        await eldercare.post("/institutions/home-1/admissions", body | {"care_level": "full"}),
        409,
        "id_reused",
        "residency_id",
    )
    assert await count(eldercare, "ResidentAdmitted") == 2


async def test_bad_admissions_are_4xx_naming_the_field_with_nothing_written(eldercare: Running) -> None:
    await eldercare.post("/institutions", home(1), expect=201)
    before = await eldercare.fetchval("SELECT count(*) FROM events")
    for body, field in (
        (admission(1, resident_id="330727194001010000"), "resident_id"),
        (admission(1, care_level="bedridden"), "care_level"),
        (admission(1, admitted_on="2026-03-03"), "admitted_on"),
        (admission(1, agreement_date="2026-03-03", admitted_on="2026-03-02"), "agreement_date"),
        (admission(1, agreement_number=""), "agreement_number"),
        (admission(1, extra=True), "extra"),
    ):
        response = await eldercare.post("/institutions/home-1/admissions", body)
        assert response.status_code == 422 and field in response.text, (field, response.text)
    assert await eldercare.fetchval("SELECT count(*) FROM events") == before
    assert await occupied(eldercare, "home-1") == 0


async def test_leave_past_its_return_date_is_flagged_once_then_return_visit_and_discharge(
    eldercare: Running,
) -> None:
    await eldercare.post("/institutions", home(1), expect=201)
    await eldercare.post("/institutions", home(2), expect=201)
    rid = (await eldercare.post("/institutions/home-1/admissions", admission(1), expect=201)).json()[
        "residency_id"
    ]
    path = f"/institutions/home-1/residents/{rid}"
    refused(
        await eldercare.post(
            f"{path}/leave", {"leave_from": "2026-03-02", "return_by": "2026-04-02", "reason": "探亲"}
        ),
        422,
        "leave_too_long",
    )
    away = (
        await eldercare.post(
            f"{path}/leave",
            {"leave_from": "2026-03-02", "return_by": "2026-03-05", "reason": "探亲"},
            expect=201,
        )
    ).json()
    assert (away["status"], away["return_by"], away["leave_overdue"]) == ("on_leave", "2026-03-05", False)
    ctx = eldercare.service.context()
    eldercare.clock.set(datetime(2026, 3, 5, 23, 59, tzinfo=CHINA))
    assert await raise_due(ctx) == 0
    eldercare.clock.set(datetime(2026, 3, 7, 9, 0, tzinfo=CHINA))
    assert await raise_due(ctx) == 1
    assert await raise_due(ctx) == 0
    assert (await eldercare.get(path)).json()["leave_overdue"] is True
    chase = (await eldercare.get("/institutions/home-1/residents", leave_overdue="true")).json()
    assert [s["residency_id"] for s in chase["items"]] == [rid]
    assert await count(eldercare, "ResidentLeaveOverdue") == 1
    at = await eldercare.fetchval("SELECT occurred_at FROM events WHERE event_type = 'ResidentLeaveOverdue'")
    assert at == datetime(2026, 3, 6, 0, 0, tzinfo=CHINA)

    back = (await eldercare.post(f"{path}/return", {"returned_on": "2026-03-07"}, expect=201)).json()
    assert (back["status"], back["leave_overdue"]) == ("resident", False)
    refused(await eldercare.post(f"{path}/return", {"returned_on": "2026-03-07"}), 409, "not_on_leave")
    seen = {"visited_on": "2026-03-07", "facility": "县人民医院", "reason": "复诊"}
    visited = (await eldercare.post(f"{path}/medical-visits", seen, expect=201)).json()
    assert visited["visits"] == [seen]

    await eldercare.post(
        f"{path}/leave", {"leave_from": "2026-03-07", "return_by": "2026-03-09", "reason": "探亲"}, expect=201
    )
    out = (
        await eldercare.post(
            f"{path}/discharge", {"destination": "home", "discharged_on": "2026-03-07"}, expect=201
        )
    ).json()
    assert (out["status"], out["destination"]) == ("discharged", "home")
    assert await occupied(eldercare, "home-1") == 0
    eldercare.clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=CHINA))
    assert await raise_due(ctx) == 0  # the discharge cancelled the second leave's deadline
    refused(
        await eldercare.post(f"{path}/discharge", {"destination": "home", "discharged_on": "2026-03-07"}),
        409,
        "resident_discharged",
    )
    again = (
        await eldercare.post(
            "/institutions/home-2/admissions", admission(1, admitted_on="2026-03-12"), expect=201
        )
    ).json()
    assert again["institution_id"] == "home-2"
    stays = (await eldercare.get("/residents", person=person(1))).json()
    assert [(s["institution_id"], s["status"]) for s in stays["items"]] == [
        ("home-1", "discharged"),
        ("home-2", "resident"),
    ]


async def test_resident_ids_are_shown_whole_only_to_the_approver_and_the_auditor(eldercare: Running) -> None:
    await eldercare.post("/institutions", home(1), expect=201)
    await eldercare.post("/institutions/home-1/admissions", admission(1), expect=201)
    for role, whole in (("county-approver", True), ("auditor", True), ("township-caseworker", False)):
        headers = eldercare.as_caller(role)
        [stay] = (await eldercare.get("/residents", headers=headers, person=person(1))).json()["items"]
        [listed] = (await eldercare.get("/institutions/home-1/residents", headers=headers)).json()["items"]
        expected = person(1) if whole else person(1)[:6] + "********" + person(1)[14:]
        assert stay["resident_id"] == listed["resident_id"] == expected, role
    bad = await eldercare.get("/residents", expect=None, person="33072719400101000X")
    assert bad.status_code == 422 and "person" in bad.text


async def test_admission_and_discharge_are_published_as_their_contracts(
    eldercare: Running, nats_admin: Any
) -> None:
    sub = await nats_admin.subscribe("eldercare.residency.>")
    await eldercare.post("/institutions", home(1), expect=201)
    rid = (await eldercare.post("/institutions/home-1/admissions", admission(1), expect=201)).json()[
        "residency_id"
    ]
    await eldercare.post(
        f"/institutions/home-1/residents/{rid}/leave",
        {"leave_from": "2026-03-02", "return_by": "2026-03-04", "reason": "探亲"},
        expect=201,
    )
    await eldercare.post(
        f"/institutions/home-1/residents/{rid}/discharge",
        {"destination": "transfer", "discharged_on": "2026-03-02", "transfer_to": "县社会福利中心"},
        expect=201,
    )
    await eldercare.relay_caught_up()
    await nats_admin.flush()
    got: dict[str, tuple[str, Any]] = {}  # by event id: the relay is at least once (a core
    while sub.pending_msgs:  # subscriber sees a re-publication that JetStream drops as a duplicate)
        msg = await sub.next_msg()
        body = json.loads(msg.data)
        got.setdefault(body["event_id"], (msg.subject, body))
    assert [(s, b["data"]["residency_id"]) for s, b in got.values()] == [
        ("eldercare.residency.admitted", rid),
        ("eldercare.residency.discharged", rid),
    ]
    first, second = got.values()
    admitted = ResidentAdmitted.model_validate(first[1]).data
    discharged = ResidentDischarged.model_validate(second[1]).data
    assert (admitted.institution_kind, str(admitted.township), admitted.is_tekun) == (
        "nursing_home",
        "330727101",
        True,
    )
    assert (discharged.destination, discharged.person.reveal(), str(discharged.residency_id)) == (
        "transfer",
        person(1),
        rid,
    )
