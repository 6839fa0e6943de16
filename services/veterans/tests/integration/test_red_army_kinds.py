"""三红 on the real stack: the three kinds (在乡红军老战士, 西路军红军老战士, 红军失散人员) are each paid
their own national standard, a 失散 person the 27,580 yuan of 2019 and not the 在乡 61,130; a kind
is required and checked (422 naming ``red_army_kind``, nothing written); an entitlement recorded
before the kinds (no key) reads and is paid as 在乡; the roll publishes the kind through the
standard it names."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import Period, ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.testing import refused
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import CHINA
from minzheng_kernel.standards import monthly_share
from minzheng_veterans.adapters.entitlement.http import RED_ARMY_RECOGNITION, TermsIn
from minzheng_veterans.application.entitlement.streams import ENTITLEMENT, entitlement_stream, person_token
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.domain.entitlement import entitlement as e

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
RUNNER = Actor("approver-1")
FIGURES_2019 = {"home": 6_113_000, "west_route": 6_113_000, "dispersed": 2_758_000}


def resident(n: int) -> str:
    return make_resident_id("330727", date(1925, 1, 1 + n), 11 + n).reveal()


def approver(v: Running) -> dict[str, str]:
    return dict(v.as_caller("county-approver"))


def body(n: int, kind: str | None) -> dict[str, Any]:
    b: dict[str, Any] = {
        "resident_id": resident(n),
        "residence": VILLAGE,
        "category": "red_army",
        "approved_on": "2019-07-10",
    }
    return b if kind is None else b | {"red_army_kind": kind}


async def at(v: Running, year: int, month: int, day: int = 1) -> None:
    v.clock.set(datetime(year, month, day, 8, 0, tzinfo=CHINA))


async def monthly(v: Running, eid: str) -> list[tuple[str, int, str]]:
    lines = (await v.get(f"/entitlements/{eid}/payments", headers=approver(v))).json()
    return [(x["period"], x["amount_fen"], x["standard_id"]) for x in lines if x["kind"] == "monthly"]


async def count(v: Running, event_type: str) -> int:
    return int(await v.fetchval("SELECT count(*) FROM events WHERE event_type = $1", event_type))


async def test_each_kind_is_paid_its_own_standard_and_a_dispersed_veteran_the_lower_figure(
    veterans: Running, nats_admin: Any
) -> None:
    await load_pension_standards(veterans.service.context())
    await at(veterans, 2019, 7, 15)
    made = {}
    for n, kind in enumerate(FIGURES_2019):
        answer = await veterans.post("/entitlements", body(n, kind), expect=201, headers=approver(veterans))
        assert (answer.json()["key"], answer.json()["starts"]) == (kind, "2019-08")
        made[kind] = answer.json()["entitlement_id"]
    for month in (8, 9, 10):
        await at(veterans, 2019, month, 2)
        await run_pensions(veterans.service.context(), RUNNER, Period(2019, month))
    for kind, eid in made.items():
        annual = FIGURES_2019[kind]
        assert await monthly(veterans, eid) == [
            (f"2019-{m:02d}", monthly_share(annual, m), f"pension.red_army.{kind}:330727:2019-08-01")
            for m in (8, 9, 10)
        ]
    # month m of 2019 for a 失散 person: ⌊2,758,000·m/12⌋ − ⌊2,758,000·(m−1)/12⌋ fen
    assert [a for _, a, _ in await monthly(veterans, made["dispersed"])] == [
        2_758_000 * m // 12 - 2_758_000 * (m - 1) // 12 for m in (8, 9, 10)
    ]
    assert monthly_share(2_758_000, 8) != monthly_share(6_113_000, 8)

    await veterans.relay_caught_up()
    js = nats_admin.jetstream()
    started = json.loads((await js.get_last_msg("VETERANS", "veterans.entitlement.started")).data)
    assert (started["data"]["category"], started["data"]["key"], started["data"]["standard_id"]) == (
        "red_army",
        None,  # the contract has no 三红 kinds: the standard names it
        "pension.red_army.dispersed:330727:2019-08-01",
    )
    paid = json.loads((await js.get_last_msg("VETERANS", "veterans.payment.issued")).data)
    assert paid["data"]["programme"] == "veterans_pension_sanhong"
    assert paid["data"]["standard_id"].startswith("pension.red_army.")


async def test_a_kind_is_required_and_checked_naming_the_field_with_nothing_written(
    veterans: Running,
) -> None:
    await at(veterans, 2019, 7, 15)
    for kind, code in ((None, "terms_missing"), ("western", "invalid_input"), ("", "invalid_input")):
        answer = await veterans.post("/entitlements", body(0, kind), expect=None, headers=approver(veterans))
        refused(answer, 422, code, "red_army_kind")
    wrong = body(0, None) | {"category": "demobilised", "red_army_kind": "home"}
    refused(
        await veterans.post("/entitlements", wrong, expect=None, headers=approver(veterans)),
        422,
        "terms_not_applicable",
        "red_army_kind",
    )
    assert await count(veterans, "EntitledPersonRecognised") == 0


async def test_an_entitlement_recorded_before_the_kinds_reads_and_is_paid_as_home(veterans: Running) -> None:
    """The documented default: a 三红 recognition without a key is 在乡 (what it was paid before)."""
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    await at(veterans, 2019, 7, 15)
    eid = str(uuid.uuid4())
    person = person_token(ctx.pseudonyms, ResidentId(resident(5)))

    async def old(uow: UnitOfWork) -> e.Entitlement:
        fact = e.EntitledPersonRecognised(
            entitlement_id=eid,
            person=person,
            resident_id=resident(5),
            residence=VILLAGE,
            category="red_army",
            key=None,
            service_years=1,
            approved_on="2019-07-10",
            starts="2019-08",
            standard_id="pension.red_army:330727:2019-08-01",
        )
        return await uow.record(ENTITLEMENT, entitlement_stream(eid), [fact], jurisdiction=VILLAGE)

    await ctx.run(RUNNER, old)
    shown = (await veterans.get(f"/entitlements/{eid}")).json()
    assert (shown["category"], shown["key"]) == ("red_army", "home")
    await at(veterans, 2019, 8, 2)
    await run_pensions(ctx, RUNNER, Period(2019, 8))
    assert await monthly(veterans, eid) == [
        ("2019-08", monthly_share(6_113_000, 8), "pension.red_army.home:330727:2019-08-01")
    ]
    # its kind changed from a month: 失散 from 2019-09 (a category change, the guard untouched)
    changed = await veterans.post(
        f"/entitlements/{eid}/terms",
        {"category": "red_army", "red_army_kind": "dispersed", "from_period": "2019-09"},
        expect=201,
        headers=dict(veterans.as_caller("township-caseworker", division="330727101")),
    )
    assert [t["key"] for t in changed.json()["terms"]] == ["home", "dispersed"]
    await at(veterans, 2019, 9, 2)
    await run_pensions(ctx, RUNNER, Period(2019, 9))
    assert (await monthly(veterans, eid))[-1][:2] == ("2019-09", monthly_share(2_758_000, 9))


async def test_the_documented_examples_recognise_a_dispersed_veteran_and_change_the_kind(
    veterans: Running,
) -> None:
    await load_pension_standards(veterans.service.context())
    made = await veterans.post("/entitlements", RED_ARMY_RECOGNITION, expect=201, headers=approver(veterans))
    assert (made.json()["category"], made.json()["key"]) == ("red_army", "dispersed")
    eid = made.json()["entitlement_id"]
    [example] = [x for x in TermsIn.model_json_schema()["examples"] if x["category"] == "red_army"]
    changed = await veterans.post(
        f"/entitlements/{eid}/terms",
        example,
        expect=201,
        headers=dict(veterans.as_caller("township-caseworker", division="330727101")),
    )
    assert [(t["from_period"], t["key"]) for t in changed.json()["terms"]] == [
        ("2026-03", "dispersed"),
        ("2026-05", "west_route"),
    ]
