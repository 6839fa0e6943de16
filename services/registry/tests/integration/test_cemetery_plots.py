"""Cemeteries and plots (公墓, 墓穴) on the real stack: the area limits, one assignment per position
and one grave per deceased (also under concurrency), the service area, the living refused, the
spouse's position, the use period as a durable deadline across a restart, renewal.

A death is registered through the marriage area's ``POST /deaths`` (``given_death``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, refused, running_service
from minzheng_kernel.calendar import CHINA
from minzheng_registry.application.burial.scheduler import raise_due
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.entrypoints.app import Registry

if TYPE_CHECKING:
    from conftest import Running

START = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)

VILLAGE = "330727101201"
OTHER_VILLAGE = "330727102203"
_serial = iter(range(100, 999, 2))


def resident(born: date = date(1938, 4, 12)) -> str:
    """A new resident ID (a man: odd sequence), unique within the test session."""
    return make_resident_id("330727", born, next(_serial) + 1).reveal()


async def given_death(
    registry: ServiceClient, person: str, *, residence: str = VILLAGE, died: date = date(2026, 2, 27)
) -> str:
    """Register the death of ``person`` (the marriage area's ``POST /deaths``); its registration id."""
    body = {
        "deceased": person,
        "date_of_death": died.isoformat(),
        "place": residence,
        "residence": residence,
        "office": "330727",
    }
    return str((await registry.post("/deaths", body, expect=201)).json()["registration_id"])


async def given_cemetery(
    registry: ServiceClient,
    *,
    villages: list[str] | None = None,
    kind: str = "public_interest",
    plots: dict[str, Any] | None = None,
) -> str:
    """A cemetery of township 101 (公益性 for ``villages``, default VILLAGE) with plots A-001..A-005
    (ashes, double); its id."""
    body = {
        "name": "尖山镇公益性公墓",
        "kind": kind,
        "location": "330727101",
        "villages": [VILLAGE] if villages is None else villages,
        "document": "磐民〔2026〕12号",
    }
    if kind == "commercial":
        body["villages"] = []
    cid = (await registry.post("/cemeteries", body, expect=201)).json()["cemetery_id"]
    run = plots or {
        "section": "A",
        "first": 1,
        "count": 5,
        "plot_type": "ashes_double",
        "area_dm2": 80,
        "positions": 2,
    }
    await registry.post(f"/cemeteries/{cid}/plots", run, expect=201)
    return str(cid)


def _assignment(person: str, position: int = 1, **more: Any) -> dict[str, Any]:
    return {"position": position, "deceased": person, **more}


async def test_a_plot_over_the_area_limit_in_force_is_refused(registry: Running) -> None:
    cid = await given_cemetery(registry)
    body = {
        "section": "B",
        "first": 1,
        "count": 3,
        "plot_type": "ashes_single",
        "area_dm2": 101,
        "positions": 1,
    }
    response = await registry.post(f"/cemeteries/{cid}/plots", body)
    refused(response, 422, "plot_area_over_limit", "area_dm2")
    assert "plot_area_max_ashes:330727:1998-01-01" in response.json()["error"]["message"]
    body_double = {**body, "plot_type": "body_double", "area_dm2": 601, "positions": 2}
    refused(
        await registry.post(f"/cemeteries/{cid}/plots", body_double), 422, "plot_area_over_limit", "area_dm2"
    )
    await registry.post(f"/cemeteries/{cid}/plots", {**body_double, "area_dm2": 600}, expect=201)
    # a county standard from a later date lowers the limit for plots created from then on
    standard = {"parameter": "plot_area_max_ashes", "jurisdiction": "330727", "effective_from": "2026-03-02"}
    await registry.post("/standards", {**standard, "value": 50}, expect=201)
    response = await registry.post(f"/cemeteries/{cid}/plots", {**body, "section": "C", "area_dm2": 60})
    refused(response, 422, "plot_area_over_limit", "area_dm2")
    assert "plot_area_max_ashes:330727:2026-03-02" in response.json()["error"]["message"]
    plots = (await registry.get(f"/cemeteries/{cid}/plots")).json()
    assert [p["plot"] for p in plots] == [
        "A-001",
        "A-002",
        "A-003",
        "A-004",
        "A-005",
        "B-001",
        "B-002",
        "B-003",
    ]
    assert {p["state"] for p in plots} == {"available"}


async def test_two_concurrent_assignments_of_one_position_give_exactly_one(registry: Running) -> None:
    cid = await given_cemetery(registry)
    first, second = resident(), resident()
    await given_death(registry, first)
    await given_death(registry, second)
    url = f"/cemeteries/{cid}/plots/A-001/assignment"
    responses = await asyncio.gather(
        registry.post(url, _assignment(first)), registry.post(url, _assignment(second))
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    refused(loser, 409, "position_taken", "position")
    count = await registry.fetchval(
        "SELECT count(*) FROM registry_burial_positions WHERE cemetery_id = $1 AND plot = 'A-001'", cid
    )
    assert count == 1
    plot = (await registry.get(f"/cemeteries/{cid}/plots", state="assigned")).json()
    assert [(p["plot"], len(p["positions"])) for p in plot] == [("A-001", 1)]


async def test_one_person_assigned_to_two_positions_concurrently_gets_one(registry: Running) -> None:
    cid = await given_cemetery(registry)
    person = resident()
    await given_death(registry, person)
    responses = await asyncio.gather(
        *(
            registry.post(f"/cemeteries/{cid}/plots/{plot}/assignment", _assignment(person))
            for plot in ("A-002", "A-003", "A-004")
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409]
    for loser in (r for r in responses if r.status_code == 409):
        refused(loser, 409, "already_has_grave", "deceased")
    assert await registry.fetchval("SELECT count(*) FROM registry_burial_positions") == 1
    events = await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'PlotAssigned'")
    assert events == 1


async def test_only_a_registered_death_of_the_service_area_gets_a_position(registry: Running) -> None:
    cid = await given_cemetery(registry)
    url = f"/cemeteries/{cid}/plots/A-001/assignment"
    living = resident()
    refused(await registry.post(url, _assignment(living)), 422, "not_deceased", "deceased")
    outsider = resident()
    await given_death(registry, outsider, residence=OTHER_VILLAGE)
    refused(await registry.post(url, _assignment(outsider)), 422, "outside_service_area", "deceased")
    assert await registry.fetchval("SELECT count(*) FROM registry_burial_positions") == 0
    # a commercial cemetery serves anyone with a registered death
    commercial = await given_cemetery(registry, kind="commercial")
    await registry.post(f"/cemeteries/{commercial}/plots/A-001/assignment", _assignment(outsider), expect=201)
    refused(
        await registry.post(f"/cemeteries/{cid}/plots/A-009/assignment", _assignment(outsider)),
        404,
        "unknown_plot",
    )


async def test_the_second_position_is_kept_for_the_spouse_by_the_parameter(registry: Running) -> None:
    cid = await given_cemetery(registry)
    husband, stranger = resident(), resident()
    await given_death(registry, husband)
    await given_death(registry, stranger)
    url = f"/cemeteries/{cid}/plots/A-001/assignment"
    await registry.post(url, _assignment(husband, 1), expect=201)
    refused(await registry.post(url, _assignment(stranger, 2)), 409, "position_kept_for_spouse", "position")
    await registry.post(url, _assignment(stranger, 2, spouse_of_first=True), expect=201)
    # with the parameter at 0 (from today), the second position is open to any eligible deceased
    other, third = resident(), resident()
    await given_death(registry, other)
    await given_death(registry, third)
    standard = {"parameter": "plot_keep_for_spouse", "jurisdiction": "330727", "effective_from": "2026-03-02"}
    await registry.post("/standards", {**standard, "value": 0}, expect=201)
    url = f"/cemeteries/{cid}/plots/A-002/assignment"
    await registry.post(url, _assignment(other, 1), expect=201)
    await registry.post(url, _assignment(third, 2), expect=201)


async def test_the_use_period_expires_once_across_a_restart_and_is_renewed(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(START)
    person = resident()
    async with restarted(fresh_database, stack, clock) as first:
        await load_national_standards(first.service.context())
        cid = await given_cemetery(first)
        await given_death(first, person)
        answer = (
            await first.post(f"/cemeteries/{cid}/plots/A-001/assignment", _assignment(person), expect=201)
        ).json()
        assert (answer["assigned_on"], answer["use_until"]) == ("2026-03-02", "2046-03-02")
        assert answer["standard_id"] == "plot_use_years:330727:1998-01-01"
        await first.post(
            f"/cemeteries/{cid}/plots/A-001/interment",
            {"position": 1, "interred_on": "2026-03-02"},
            expect=201,
        )
    # a new process on the same database: the deadline was durable
    async with restarted(fresh_database, stack, clock) as second:
        ctx = second.service.context()
        clock.set(datetime(2046, 3, 1, 23, 59, tzinfo=CHINA))
        assert (await raise_due(ctx))["plot-use"] == 0
        clock.set(datetime(2046, 3, 2, 0, 0, tzinfo=CHINA))
        assert (await raise_due(ctx))["plot-use"] == 1
        assert (await raise_due(ctx))["plot-use"] == 0
        expired = (await second.get(f"/cemeteries/{cid}/plots", state="use_expired")).json()
        assert [(p["plot"], p["positions"][0]["expired"]) for p in expired] == [("A-001", True)]
        occurred = await fetchval(
            second, "SELECT occurred_at FROM events WHERE event_type = 'PlotUseExpired'"
        )
        assert occurred == datetime(2046, 3, 2, 0, 0, tzinfo=CHINA)
        # renewed two months late: the new period runs from the renewal day
        clock.set(datetime(2046, 5, 6, 10, 0, tzinfo=CHINA))
        renewal = (
            await second.post(f"/cemeteries/{cid}/plots/A-001/renewal", {"position": 1}, expect=201)
        ).json()
        assert (renewal["period"], renewal["use_from"], renewal["use_until"]) == (
            2,
            "2046-05-06",
            "2066-05-06",
        )
        plots = (await second.get(f"/cemeteries/{cid}/plots")).json()
        assert plots[0]["state"] == "interred"
        assert (
            await fetchval(
                second, "SELECT count(*) FROM deadlines WHERE kind = 'plot-use' AND state = 'pending'"
            )
            == 1
        )
        clock.set(datetime(2066, 5, 6, 0, 0, tzinfo=CHINA))
        assert (await raise_due(ctx))["plot-use"] == 1
        assert await fetchval(second, "SELECT count(*) FROM events WHERE event_type = 'PlotUseExpired'") == 2


async def test_renewal_before_expiry_extends_from_the_end_of_the_period(registry: Running) -> None:
    cid = await given_cemetery(registry)
    person = resident()
    await given_death(registry, person)
    await registry.post(f"/cemeteries/{cid}/plots/A-001/assignment", _assignment(person), expect=201)
    registry.clock.set(datetime(2045, 6, 1, 9, 0, tzinfo=CHINA))
    renewal = (
        await registry.post(f"/cemeteries/{cid}/plots/A-001/renewal", {"position": 1}, expect=201)
    ).json()
    assert (renewal["use_from"], renewal["use_until"]) == ("2046-03-02", "2066-03-02")
    registry.clock.set(datetime(2046, 3, 2, 0, 0, tzinfo=CHINA))
    assert (await raise_due(registry.service.context()))["plot-use"] == 0
    refused(
        await registry.post(f"/cemeteries/{cid}/plots/A-002/renewal", {"position": 1}),
        409,
        "position_not_assigned",
    )


async def test_cemetery_rules_and_reads(registry: Running) -> None:
    body = {"name": "x", "kind": "public_interest", "location": "330727101", "villages": [], "document": "d"}
    refused(await registry.post("/cemeteries", body), 422, "service_villages_required", "villages")
    refused(
        await registry.post("/cemeteries", {**body, "villages": ["330728101201"]}),
        422,
        "invalid_service_village",
        "villages",
    )
    cid = await given_cemetery(registry, villages=[VILLAGE, "330727101202"])
    refused(
        await registry.post("/cemeteries", {**body, "cemetery_id": cid, "villages": [VILLAGE]}),
        409,
        "cemetery_exists",
    )
    listed = (await registry.get("/cemeteries", village="330727101202")).json()
    assert [c["cemetery_id"] for c in listed] == [cid]
    assert (await registry.get("/cemeteries", village=OTHER_VILLAGE)).json() == []
    # a caseworker of another township does not see it; one of township 101 does
    other = registry.as_caller("township-caseworker", division="330727102")
    assert (await registry.get("/cemeteries", headers=other)).json() == []
    refused(await registry.get(f"/cemeteries/{cid}", headers=other, expect=None), 403, "outside_jurisdiction")
    own = registry.as_caller("township-caseworker", division="330727101")
    assert len((await registry.get("/cemeteries", headers=own)).json()) == 1
    # the caseworker may not assign; the deceased's ID is masked for the caseworker
    person = resident()
    await given_death(registry, person)
    url = f"/cemeteries/{cid}/plots/A-001/assignment"
    refused(await registry.post(url, _assignment(person), headers=own), 403, "role_not_permitted")
    await registry.post(url, _assignment(person), expect=201)
    shown = (await registry.get(f"/cemeteries/{cid}/plots", headers=own, state="assigned")).json()
    assert shown[0]["positions"][0]["deceased"] != person
    full = (await registry.get(f"/cemeteries/{cid}/plots", state="assigned")).json()
    assert full[0]["positions"][0]["deceased"] == person
    refused(await registry.get(f"/cemeteries/{uuid.uuid4()}", expect=None), 404, "unknown_cemetery")


def restarted(database: str, stack: Any, clock: ManualClock) -> Any:
    """A registry process on ``database`` (as the fixture starts it): a test stops it and starts
    another on the same database."""
    settings = ServiceSettings(
        "registry", database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer)
    )
    return running_service(Registry(settings, clock=clock, scheduler=False), issuer=stack.issuer)


async def fetchval(client: ServiceClient, sql: str, *args: object) -> Any:
    async with client.service.host.store.pool.acquire() as conn:
        return await conn.fetchval(sql, *args)


async def test_an_expired_position_is_reclaimed_and_never_given_again(registry: Running) -> None:
    cid = await given_cemetery(registry)
    person, next_person = resident(), resident()
    await given_death(registry, person)
    url = f"/cemeteries/{cid}/plots/A-001"
    await registry.post(f"{url}/assignment", _assignment(person), expect=201)
    reclaim = {"position": 1, "reason": "期满未续, 公告 90 日无人认领"}
    refused(await registry.post(f"{url}/reclamation", reclaim), 409, "use_not_expired", "position")
    registry.clock.set(datetime(2046, 9, 1, 9, 0, tzinfo=CHINA))
    assert (await raise_due(registry.service.context()))["plot-use"] == 1
    plot = (await registry.post(f"{url}/reclamation", reclaim, expect=201)).json()
    assert (plot["state"], plot["positions"][0]["reclaimed"]) == ("reclaimed", True)
    refused(await registry.post(f"{url}/reclamation", reclaim), 409, "already_reclaimed")
    refused(await registry.post(f"{url}/renewal", {"position": 1}), 409, "plot_reclaimed")
    await given_death(registry, next_person, died=date(2046, 8, 30))
    refused(await registry.post(f"{url}/assignment", _assignment(next_person)), 409, "position_taken")
    listed = (await registry.get(f"/cemeteries/{cid}/plots", state="reclaimed")).json()
    assert [p["plot"] for p in listed] == ["A-001"]
