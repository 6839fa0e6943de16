"""Deaths of entitled persons on the real stack: ``DeathRegistered`` published to NATS as the
registry does ends the person's entitlements from the month after the date of death, records the
months paid after it as overpayments with recovery tasks and opens one case, once (the same
message again, or a copy with a new event id, changes nothing); the caseworker determines the
cause, records the payee and pays the one-off exactly once; bad input 4xx with nothing written."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import (
    DeathRegistered,
    DeathRegisteredData,
    PaymentIssuedV2,
    Period,
    ResidentId,
    make_resident_id,
)
from minzheng_eventstore import Actor
from minzheng_kernel.calendar import CHINA
from minzheng_kernel.standards import monthly_share
from minzheng_veterans.adapters.entitlement.http import RECOGNITION
from minzheng_veterans.application.death.standards import load_death_standards
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
RESIDENT = make_resident_id("330727", date(1952, 3, 4), 19).reveal()
WAR_1 = 8_815_000  # 因战一级 from 2019-08-01, fen a year
DISABLED = {**RECOGNITION, "resident_id": RESIDENT, "residence": VILLAGE, "grade": 1}
"""The documented recognition (因战, approved 2026-02-10: paid from March), at grade 1."""


def approver(v: Running) -> dict[str, str]:
    return dict(v.as_caller("county-approver"))


async def count(v: Running, event_type: str) -> int:
    return int(await v.fetchval("SELECT count(*) FROM events WHERE event_type = $1", event_type))


async def at(v: Running, year: int, month: int, day: int = 1) -> None:
    v.clock.set(datetime(year, month, day, 8, 0, tzinfo=CHINA))


def death(v: Running, on: date, resident: str = RESIDENT) -> DeathRegistered:
    return DeathRegistered.new(
        data=DeathRegisteredData(
            registration_id=uuid.uuid4(),
            deceased=resident,
            date_of_death=on,
            place=VILLAGE,
            registered_at=v.clock.now(),
        ),
        producer="registry",
        jurisdiction=VILLAGE,
    )


async def publish(nats: Any, v: Running, *events: DeathRegistered) -> None:
    """Publish like the registry, then wait until the service's inbox has taken every one."""
    for event in events:
        await nats.jetstream().publish(
            event.SUBJECT, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
        )
    ids = [e.event_id for e in events]
    for _ in range(400):
        taken = await v.fetchval("SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids)
        if taken == len(set(ids)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not take the messages")


async def events_written(v: Running) -> int:
    return int(await v.fetchval("SELECT count(*) FROM events"))


async def cases(v: Running, **params: str) -> list[dict[str, Any]]:
    return list((await v.get("/death-cases", headers=approver(v), **params)).json()["items"])


async def paid_through_may(v: Running, body: dict[str, Any] = DISABLED) -> str:
    ctx = v.service.context()
    await load_pension_standards(ctx)
    await load_death_standards(ctx)
    eid = str((await v.post("/entitlements", body, expect=201, headers=approver(v))).json()["entitlement_id"])
    for month in (3, 4, 5):
        await at(v, 2026, month)
        await run_pensions(ctx, Actor("approver-1"), Period(2026, month))
    return eid


async def test_a_death_stops_the_pension_after_its_month_records_overpayments_and_opens_one_case(
    veterans: Running, nats_admin: Any
) -> None:
    eid = await paid_through_may(veterans)
    await at(veterans, 2026, 5, 10)
    first = death(veterans, date(2026, 3, 20))
    await publish(nats_admin, veterans, first)

    [case] = await cases(veterans)
    assert case["status"] == "awaiting_cause" and case["died_on"] == "2026-03-20"
    assert case["ended"] == [eid] and case["entitlement_id"] == eid
    over = [(o["period"], o["amount_fen"]) for o in case["overpayments"]]
    assert over == [("2026-04", monthly_share(WAR_1, 4)), ("2026-05", monthly_share(WAR_1, 5))]
    assert all(o["recovery_task_id"] for o in case["overpayments"])
    listed = (await veterans.get("/death-overpayments", headers=approver(veterans))).json()
    assert listed["total"] == 2 and listed["total_fen"] == monthly_share(WAR_1, 4) + monthly_share(WAR_1, 5)
    entitlement = (await veterans.get(f"/entitlements/{eid}", headers=approver(veterans))).json()
    assert entitlement["status"] == "cancelled"

    written = await events_written(veterans)
    again = first.model_copy(update={"event_id": uuid.uuid4()})
    other_registration = death(veterans, date(2026, 3, 20))
    await publish(nats_admin, veterans, first, again, other_registration)
    assert await events_written(veterans) == written
    assert await count(veterans, "DeathBenefitCaseOpened") == 1
    assert await count(veterans, "EntitlementCancelled") == 1

    await at(veterans, 2026, 6)
    await run_pensions(veterans.service.context(), Actor("approver-1"), Period(2026, 6))
    lines = (await veterans.get(f"/entitlements/{eid}/payments", headers=approver(veterans))).json()
    assert [x["period"] for x in lines if x["kind"] == "monthly"] == ["2026-03", "2026-04", "2026-05"]


async def test_the_caseworker_determines_the_cause_records_the_payee_and_pays_once(
    veterans: Running, nats_admin: Any
) -> None:
    await paid_through_may(veterans)
    await at(veterans, 2026, 5, 10)
    await publish(nats_admin, veterans, death(veterans, date(2026, 5, 2)))
    [case] = await cases(veterans)
    cid = case["case_id"]
    assert [o["period"] for o in case["overpayments"]] == []
    base = f"/death-cases/{cid}"
    h = approver(veterans)

    written = await events_written(veterans)
    for body, field in (
        ({"cause": "illness", "wage_fen": 1}, "wage_fen"),
        ({"cause": "recurring_wound", "wage_fen": -1}, "wage_fen"),
        ({"cause": "recurring_wound"}, "wage_fen"),
        ({}, "cause"),
        ({"cause": "drowned"}, "cause"),
        ({"cause": "illness", "extra": 1}, "extra"),
    ):
        answer = await veterans.post(f"{base}/determination", body, expect=None, headers=h)
        assert answer.status_code == 422, body
        assert field in answer.text, body
    assert (await veterans.post(f"{base}/payment", expect=None, headers=h)).status_code == 409
    assert (
        await veterans.post(f"{base}/payee", {"name": "", "relation": "spouse"}, expect=None, headers=h)
    ).status_code == 422
    assert (await veterans.get("/death-cases/death-nobody", expect=None, headers=h)).status_code == 404
    assert await events_written(veterans) == written

    wound = (
        await veterans.post(
            f"{base}/determination", {"cause": "recurring_wound", "wage_fen": 800_000}, expect=200, headers=h
        )
    ).json()
    assert wound["one_off"]["kind"] == "one_off_pension"
    assert wound["one_off"]["amount_fen"] == 20 * 5_418_800 + 40 * 800_000
    assert wound["survivor_kind"] == "duty" and wound["status"] == "determined"
    assert (
        await veterans.post(f"{base}/determination", {"cause": "illness"}, expect=None, headers=h)
    ).status_code == 409

    sub = await nats_admin.subscribe("veterans.payment.issued")
    await veterans.post(f"{base}/payee", {"name": "李秀英", "relation": "spouse"}, expect=200, headers=h)
    paid_case = (await veterans.post(f"{base}/payment", expect=200, headers=h)).json()
    assert paid_case["status"] == "paid" and paid_case["payment_id"]
    answers = await asyncio.gather(
        *(veterans.post(f"{base}/payment", expect=None, headers=h) for _ in range(4))
    )
    assert [a.status_code for a in answers] == [409] * 4
    assert await count(veterans, "DeathBenefitPaid") == 1
    await veterans.relay_caught_up()
    await nats_admin.flush()
    one_offs = []
    while sub.pending_msgs:
        data = PaymentIssuedV2.model_validate_json((await sub.next_msg()).data).data
        if data.programme.value == "veterans_one_off_pension":
            one_offs.append((str(data.payment_id), data.amount_fen, data.beneficiary))
    assert one_offs == [(paid_case["payment_id"], 20 * 5_418_800 + 40 * 800_000, ResidentId(RESIDENT))]
    assert paid_case["resident_id"] == RESIDENT
    masked = (
        await veterans.get(
            base, headers=dict(veterans.as_caller("township-caseworker", division="330727101"))
        )
    ).json()
    assert masked["resident_id"] != RESIDENT and masked["resident_id"].endswith(RESIDENT[-4:])
    assert [c["case_id"] for c in await cases(veterans, status="paid")] == [cid]
    assert await cases(veterans, status="awaiting_cause") == []


async def test_a_death_of_someone_without_an_entitlement_opens_no_case(
    veterans: Running, nats_admin: Any
) -> None:
    await paid_through_may(veterans)
    await at(veterans, 2026, 5, 10)
    written = await events_written(veterans)
    await publish(
        nats_admin,
        veterans,
        death(veterans, date(2026, 5, 2), resident=make_resident_id("330727", date(1950, 7, 8), 33).reveal()),
    )
    assert await events_written(veterans) == written
    assert await cases(veterans) == []


async def test_a_month_paid_while_the_death_is_taken_in_is_recorded_as_overpaid_never_lost(
    veterans: Running, nats_admin: Any
) -> None:
    eid = await paid_through_may(veterans)
    await at(veterans, 2026, 6)
    await asyncio.gather(
        run_pensions(veterans.service.context(), Actor("approver-1"), Period(2026, 6)),
        publish(nats_admin, veterans, death(veterans, date(2026, 3, 20))),
    )
    lines = (await veterans.get(f"/entitlements/{eid}/payments", headers=approver(veterans))).json()
    paid_after = sorted(x["period"] for x in lines if x["kind"] == "monthly" and x["period"] > "2026-03")
    [case] = await cases(veterans)
    assert sorted(o["period"] for o in case["overpayments"]) == paid_after
    assert paid_after[:2] == ["2026-04", "2026-05"]
