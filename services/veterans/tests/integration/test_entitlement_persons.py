"""Entitled persons (优抚对象) on the real stack: recognition once per person and category (also
under concurrency), bad input 4xx with nothing written, IDs masked but for the approver and the
auditor, grade changes, suspension, cancellation and transfers as the pension run pays them, the
death area's end of a person's entitlements, the list's filters and paging, the published roll,
the demo seed."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import Period, ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore import standards as stored
from minzheng_eventstore.testing import refused
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import CHINA
from minzheng_kernel.standards import monthly_share
from minzheng_veterans.adapters.entitlement import demo
from minzheng_veterans.application.entitlement import handlers as h
from minzheng_veterans.application.entitlement.streams import person_token
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.domain.entitlement.entitlement import CancelReason

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
RESIDENT = make_resident_id("330727", date(1952, 3, 4), 19).reveal()
OTHER = make_resident_id("330727", date(1950, 7, 8), 33).reveal()
RUNNER = Actor("approver-1")
WAR_1 = 8_815_000  # 因战一级 from 2019-08-01, fen a year
DISABLED = {
    "resident_id": RESIDENT,
    "residence": VILLAGE,
    "category": "disabled",
    "nature": "war",
    "grade": 1,
    "approved_on": "2026-02-10",
}


def approver(v: Running) -> dict[str, str]:
    return dict(v.as_caller("county-approver"))


def caseworker(v: Running) -> dict[str, str]:
    return dict(v.as_caller("township-caseworker", division="330727101"))


async def recognise(v: Running, body: dict[str, Any] = DISABLED, expect: int | None = 201) -> Any:
    return await v.post("/entitlements", body, expect=expect, headers=approver(v))


async def count(v: Running, event_type: str) -> int:
    return int(await v.fetchval("SELECT count(*) FROM events WHERE event_type = $1", event_type))


async def at(v: Running, year: int, month: int, day: int = 1) -> None:
    v.clock.set(datetime(year, month, day, 8, 0, tzinfo=CHINA))


async def paid(v: Running, eid: str) -> list[tuple[str, int]]:
    lines = (await v.get(f"/entitlements/{eid}/payments", headers=approver(v))).json()
    return [(x["period"], x["amount_fen"]) for x in lines if x["kind"] == "monthly"]


async def run(v: Running, *periods: Period) -> None:
    for period in periods:
        await run_pensions(v.service.context(), RUNNER, period)


async def test_a_person_is_recognised_once_per_category_also_under_concurrency(veterans: Running) -> None:
    answers = await asyncio.gather(*(recognise(veterans, expect=None) for _ in range(8)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    for a in answers:
        if a.status_code == 409:
            refused(a, 409, "already_recognised")
    assert await count(veterans, "EntitledPersonRecognised") == 1
    assert await veterans.fetchval("SELECT count(*) FROM veterans_entitlements") == 1
    [made] = [a.json() for a in answers if a.status_code == 201]
    assert (made["starts"], made["status"], made["key"]) == ("2026-03", "active", "war.1")
    assert made["resident_id"] == RESIDENT  # the approver sees it whole
    other = (
        await recognise(veterans, DISABLED | {"category": "ill_returned", "nature": None, "grade": None})
    ).json()
    assert other["entitlement_id"] != made["entitlement_id"]  # another category of the same person
    seen = (
        await veterans.get(f"/entitlements/{made['entitlement_id']}", headers=caseworker(veterans))
    ).json()
    assert seen["resident_id"] != RESIDENT and seen["resident_id"].startswith(RESIDENT[:6])
    audited = await veterans.get(
        f"/entitlements/{made['entitlement_id']}", headers=veterans.as_caller("auditor")
    )
    assert audited.json()["resident_id"] == RESIDENT


async def test_bad_input_is_refused_naming_the_field_with_nothing_written(veterans: Running) -> None:
    cases = [
        (DISABLED | {"grade": 11}, "grade"),
        (DISABLED | {"grade": None}, "grade"),
        (DISABLED | {"nature": "sea"}, "nature"),
        (DISABLED | {"category": "red_army"}, "nature"),
        (DISABLED | {"category": "rural_veteran_60", "nature": None, "grade": None}, "service_years"),
        (DISABLED | {"resident_id": RESIDENT[:-1] + ("1" if RESIDENT[-1] != "1" else "2")}, "resident_id"),
        (DISABLED | {"approved_on": "2026-04-01"}, "approved_on"),
        (DISABLED | {"residence": "330782101201"}, "residence"),
        (DISABLED | {"extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = await recognise(veterans, body, expect=None)
        assert answer.status_code == 422, (field, answer.text)
        assert field in answer.text, (field, answer.text)
    assert await count(veterans, "EntitledPersonRecognised") == 0
    assert await veterans.fetchval("SELECT count(*) FROM veterans_entitlements") == 0
    refused(
        await veterans.post("/entitlements", DISABLED, headers=caseworker(veterans)),
        403,
        "role_not_permitted",
    )
    refused(
        await veterans.get("/entitlements/e1700000-0000-4000-8000-000000000009", expect=None),
        404,
        "entitlement_not_found",
    )


async def test_the_pension_run_pays_the_roll_with_grade_changes_suspensions_and_cancellation(
    veterans: Running,
) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    async with veterans.service.host.store.pool.acquire() as conn:
        await stored.insert_standard(
            conn, stored.StandardRow("pension.disabled.war.2", "330727", date(2019, 8, 1), 7_900_000)
        )
    eid = (await recognise(veterans)).json()["entitlement_id"]
    await veterans.post(
        f"/entitlements/{eid}/terms",
        {"category": "disabled", "nature": "war", "grade": 2, "from_period": "2026-05"},
        expect=201,
        headers=caseworker(veterans),
    )
    await veterans.post(
        f"/entitlements/{eid}/suspension",
        {"reason": "服刑", "from_period": "2026-06"},
        expect=201,
        headers=caseworker(veterans),
    )
    await veterans.post(
        f"/entitlements/{eid}/resumption",
        {"from_period": "2026-08"},
        expect=201,
        headers=caseworker(veterans),
    )
    cancelled = await veterans.post(
        f"/entitlements/{eid}/cancellation",
        {"reason": "disqualified", "effective_from": "2026-09", "note": "判处"},
        expect=201,
        headers=approver(veterans),
    )
    assert (cancelled.json()["status"], cancelled.json()["ended_from"]) == ("cancelled", "2026-09")
    refused(
        await veterans.post(
            f"/entitlements/{eid}/suspension",
            {"reason": "x", "from_period": "2026-10"},
            headers=caseworker(veterans),
        ),
        409,
        "entitlement_ended",
    )
    await at(veterans, 2026, 10)
    await run(veterans, *(Period(2026, m) for m in range(2, 11)))
    assert await paid(veterans, eid) == [
        ("2026-03", monthly_share(WAR_1, 3)),
        ("2026-04", monthly_share(WAR_1, 4)),
        ("2026-05", monthly_share(7_900_000, 5)),
        ("2026-08", monthly_share(7_900_000, 8)),
    ]


async def test_a_transfer_out_is_paid_through_december_and_a_transfer_in_from_january(
    veterans: Running,
) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    out = (await recognise(veterans)).json()["entitlement_id"]
    moved = await veterans.post(
        f"/entitlements/{out}/transfer-out",
        {"to_county": "330782", "transferred_on": "2026-03-01"},
        expect=201,
        headers=caseworker(veterans),
    )
    assert (moved.json()["status"], moved.json()["ended_from"]) == ("transferred_out", "2027-01")
    refused(
        await veterans.post(
            f"/entitlements/{out}/transfer-out",
            {"to_county": "330781", "transferred_on": "2026-03-01"},
            headers=caseworker(veterans),
        ),
        409,
        "entitlement_ended",
    )
    body = DISABLED | {"resident_id": OTHER, "transferred_from": "330782", "transferred_on": "2026-03-01"}
    came = (
        await veterans.post("/entitlement-transfers-in", body, expect=201, headers=approver(veterans))
    ).json()
    assert (came["starts"], came["transferred_from"]) == ("2027-01", "330782")
    await at(veterans, 2027, 1, 5)
    await run(veterans, Period(2026, 12), Period(2027, 1))
    assert await paid(veterans, out) == [("2026-12", monthly_share(WAR_1, 12))]
    assert await paid(veterans, came["entitlement_id"]) == [("2027-01", monthly_share(WAR_1, 1))]


async def test_the_death_area_ends_every_entitlement_of_a_person_once(veterans: Running) -> None:
    await recognise(veterans)
    await recognise(veterans, DISABLED | {"category": "combat_or_test", "nature": None, "grade": None})
    ctx = veterans.service.context()
    person = person_token(ctx.pseudonyms, ResidentId(RESIDENT))

    async def end(uow: UnitOfWork) -> list[str]:
        ended = await h.end_person(uow, person, CancelReason.DEATH, Period(2026, 4))
        return sorted(s.entitlement_id or "" for s in ended)

    first = await ctx.run(RUNNER, end)
    assert len(first) == 2
    assert await ctx.run(RUNNER, end) == []
    assert await count(veterans, "EntitlementCancelled") == 2
    listed = (await veterans.get("/entitlements", status="cancelled", headers=approver(veterans))).json()
    assert sorted(i["entitlement_id"] for i in listed["items"]) == first


async def test_the_list_filters_by_category_status_and_township_and_pages(veterans: Running) -> None:
    await load_pension_standards(veterans.service.context())
    await demo.seed_demo(veterans.service.context())
    await demo.seed_demo(veterans.service.context())  # idempotent
    everyone = (await veterans.get("/entitlements", limit=500)).json()
    assert everyone["total"] == 42
    expected: Counter[str] = Counter()
    for category, _, n in demo.ROLL:
        expected[category.value] += n
    assert (
        Counter(i["category"] for i in everyone["items"])
        == expected
        == Counter(
            disabled=4,
            survivor=7,
            red_army=3,
            demobilised=3,
            ill_returned=5,
            combat_or_test=6,
            rural_veteran_60=13,
            martyr_elderly_child=1,
        )
    )
    rural = (await veterans.get("/entitlements", category="rural_veteran_60", limit=5, offset=10)).json()
    assert (rural["total"], len(rural["items"])) == (13, 3)
    assert (await veterans.get("/entitlements", status="cancelled")).json()["total"] == 1
    assert (await veterans.get("/entitlements", status="suspended")).json()["total"] == 1
    township = (await veterans.get("/entitlements", township="330727102", limit=500)).json()
    assert township["total"] > 0 and all(i["residence"].startswith("330727102") for i in township["items"])
    elsewhere = veterans.as_caller("auditor", division="330727103")
    assert all(
        i["residence"].startswith("330727103")
        for i in (await veterans.get("/entitlements", limit=500, headers=elsewhere)).json()["items"]
    )
    bad = await veterans.get("/entitlements", category="pilot", expect=422)
    assert "category" in bad.text


async def test_recognitions_and_cancellations_are_published_for_the_provincial_roll(
    veterans: Running, nats_admin: Any
) -> None:
    await load_pension_standards(veterans.service.context())
    eid = (await recognise(veterans)).json()["entitlement_id"]
    await veterans.post(
        f"/entitlements/{eid}/transfer-out",
        {"to_county": "330782", "transferred_on": "2026-03-01"},
        expect=201,
        headers=caseworker(veterans),
    )
    await veterans.relay_caught_up()
    js = nats_admin.jetstream()
    started = json.loads((await js.get_last_msg("VETERANS", "veterans.entitlement.started")).data)
    assert started["data"] | {} == {
        "entitlement_id": eid,
        "person": RESIDENT,
        "residence": VILLAGE,
        "category": "disabled",
        "key": "war.1",
        "service_years": 1,
        "approved_on": "2026-02-10",
        "starts": "2026-03",
        "standard_id": "pension.disabled.war.1:330727:2019-08-01",
        "transferred_from": None,
    }
    ended = json.loads((await js.get_last_msg("VETERANS", "veterans.entitlement.cancelled")).data)
    assert (ended["data"]["reason"], ended["data"]["effective_from"], ended["data"]["transferred_to"]) == (
        "transferred_out",
        "2027-01",
        "330782",
    )


async def test_a_category_change_moves_the_guard_and_refuses_a_category_held(veterans: Running) -> None:
    await load_pension_standards(veterans.service.context())
    disabled = (await recognise(veterans)).json()["entitlement_id"]
    ill = DISABLED | {"category": "ill_returned", "nature": None, "grade": None}
    await recognise(veterans, ill)
    to_ill = {"category": "ill_returned", "from_period": "2026-06"}
    path = f"/entitlements/{disabled}/terms"
    refused(await veterans.post(path, to_ill, headers=caseworker(veterans)), 409, "already_recognised")
    refused(
        await veterans.post(
            path, {"category": "red_army", "grade": 2, "from_period": "2026-06"}, headers=caseworker(veterans)
        ),
        422,
        "terms_not_applicable",
        "grade",
    )
    assert await count(veterans, "CategoryChanged") == 0
    moved = await veterans.post(
        path,
        {"category": "combat_or_test", "from_period": "2026-06"},
        expect=201,
        headers=caseworker(veterans),
    )
    assert [t["category"] for t in moved.json()["terms"]] == ["disabled", "combat_or_test"]
    again = (await recognise(veterans)).json()  # disabled is free again: a new entitlement
    assert again["entitlement_id"] != disabled
    refused(
        await recognise(
            veterans, DISABLED | {"category": "combat_or_test", "nature": None, "grade": None}, expect=None
        ),
        409,
        "already_recognised",
    )


async def test_a_rural_veteran_is_paid_per_year_of_conscript_service(veterans: Running) -> None:
    await load_pension_standards(veterans.service.context())
    body = DISABLED | {"category": "rural_veteran_60", "nature": None, "grade": None, "service_years": 3}
    made = (await recognise(veterans, body)).json()
    assert (made["category"], made["terms"][0]["service_years"]) == ("rural_veteran_60", 3)
    await run(veterans, Period(2026, 3))
    assert await paid(veterans, made["entitlement_id"]) == [("2026-03", 3 * 3_500)]  # 35 yuan a month a year
    refused(
        await veterans.post(
            f"/entitlements/{made['entitlement_id']}/terms",
            {"category": "rural_veteran_60", "service_years": 61, "from_period": "2026-04"},
            headers=caseworker(veterans),
        ),
        422,
        "invalid_input",
        "service_years",
    )
