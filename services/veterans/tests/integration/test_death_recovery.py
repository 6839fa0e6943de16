"""Recovery tasks (追回) on the real stack: the months a death left overpaid are tasks, open until
closed by what a caseworker records: repayments against receipts (partial ones add up, never above
what is owed; two concurrent repayments of the last amount, exactly one succeeds) or the county
approver's waiver of the rest, with a reason; the list by open / closed, township and case; bad
input 4xx naming the field, nothing written."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import DeathRegistered, DeathRegisteredData, Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.testing import refused
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import CHINA
from minzheng_kernel.standards import monthly_share
from minzheng_veterans.adapters.entitlement.http import RECOGNITION
from minzheng_veterans.application.death.policy import on_death_registered
from minzheng_veterans.application.death.standards import load_death_standards
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
RESIDENT = make_resident_id("330727", date(1952, 3, 4), 19).reveal()
WAR_1 = 8_815_000  # 因战一级 from 2019-08-01, fen a year
APRIL, MAY = monthly_share(WAR_1, 4), monthly_share(WAR_1, 5)


def approver(v: Running) -> dict[str, str]:
    return dict(v.as_caller("county-approver"))


def caseworker(v: Running) -> dict[str, str]:
    return dict(v.as_caller("township-caseworker", division="330727101"))


async def count(v: Running, event_type: str) -> int:
    return int(await v.fetchval("SELECT count(*) FROM events WHERE event_type = $1", event_type))


async def at(v: Running, year: int, month: int, day: int = 1) -> None:
    v.clock.set(datetime(year, month, day, 8, 0, tzinfo=CHINA))


async def overpaid_april_and_may(v: Running) -> dict[str, str]:
    """A disabled serviceman paid March–May who died on 20 March: April and May are owed back."""
    ctx = v.service.context()
    await load_pension_standards(ctx)
    await load_death_standards(ctx)
    body = {**RECOGNITION, "resident_id": RESIDENT, "residence": VILLAGE, "grade": 1}
    await v.post("/entitlements", body, expect=201, headers=approver(v))
    for month in (3, 4, 5):
        await at(v, 2026, month)
        await run_pensions(ctx, Actor("approver-1"), Period(2026, month))
    await at(v, 2026, 5, 10)
    death = DeathRegistered.new(
        data=DeathRegisteredData(
            registration_id=uuid.uuid4(),
            deceased=RESIDENT,
            date_of_death=date(2026, 3, 20),
            place=VILLAGE,
            registered_at=v.clock.now(),
        ),
        producer="registry",
        jurisdiction=VILLAGE,
    )

    async def unit(uow: UnitOfWork) -> None:
        await on_death_registered(ctx, death, uow)

    await ctx.run(Actor("registry-policy"), unit)
    tasks = (await v.get("/recovery-tasks", status="open", headers=caseworker(v))).json()
    assert (tasks["total"], tasks["outstanding_fen"]) == (2, APRIL + MAY)
    return {t["period"]: t["recovery_task_id"] for t in tasks["items"]}


def repayment(receipt: str, amount_fen: int, repaid_on: str = "2026-05-08") -> dict[str, Any]:
    return {"receipt": receipt, "amount_fen": amount_fen, "repaid_on": repaid_on}


async def test_repayments_add_up_to_what_is_owed_and_close_the_task_once(veterans: Running) -> None:
    tasks = await overpaid_april_and_may(veterans)
    path = f"/recovery-tasks/{tasks['2026-04']}/repayments"
    part = await veterans.post(
        path, repayment("JK-1", 100_000) | {"note": "家属退回"}, expect=201, headers=caseworker(veterans)
    )
    assert (part.json()["status"], part.json()["repaid_fen"], part.json()["outstanding_fen"]) == (
        "open",
        100_000,
        APRIL - 100_000,
    )
    written = await veterans.fetchval("SELECT count(*) FROM events")
    refusals = [
        (repayment("JK-2", APRIL - 100_000 + 1), 422, "repayment_exceeds_owed", "amount_fen"),
        (repayment("JK-1", 1), 409, "receipt_recorded", "receipt"),
        (repayment("JK-2", 0), 422, "invalid_input", "amount_fen"),
        (repayment("JK-2", 1, "2026-05-11"), 422, "repaid_in_future", "repaid_on"),
        (repayment("JK-2", 1, "2026-03-19"), 422, "repaid_before_death", "repaid_on"),
        (repayment("JK 2", 1), 422, "invalid_input", "receipt"),
        (repayment("JK-2", 1) | {"extra": 1}, 422, "invalid_input", "extra"),
    ]
    for body, status, code, field in refusals:
        refused(
            await veterans.post(path, body, expect=None, headers=caseworker(veterans)), status, code, field
        )
    missing = f"/recovery-tasks/{tasks['2026-04'][:-2]}09/repayments"
    refused(await veterans.post(missing, repayment("JK-2", 1), expect=None), 404, "task_not_found", "task_id")
    refused(
        await veterans.post("/recovery-tasks/death-nobody/repayments", repayment("JK-2", 1), expect=None),
        404,
        "task_not_found",
        "task_id",
    )
    assert await veterans.fetchval("SELECT count(*) FROM events") == written

    # two repayments of the last amount at once (two receipts): exactly one is recorded
    rest = APRIL - 100_000
    answers = await asyncio.gather(
        *(
            veterans.post(path, repayment(f"JK-{n}", rest), expect=None, headers=caseworker(veterans))
            for n in (3, 4)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    refused(next(a for a in answers if a.status_code == 409), 409, "task_closed", "task_id")
    closed = (await veterans.get(f"/recovery-tasks/{tasks['2026-04']}")).json()
    assert (closed["status"], closed["outcome"], closed["repaid_fen"], closed["outstanding_fen"]) == (
        "closed",
        "repaid",
        APRIL,
        0,
    )
    assert len(closed["receipts"]) == 2 and closed["receipts"][0] == "JK-1"
    assert (await count(veterans, "RepaymentRecorded"), await count(veterans, "RecoveryTaskClosed")) == (2, 1)


async def test_the_approver_waives_the_rest_with_a_reason_and_the_list_filters(veterans: Running) -> None:
    tasks = await overpaid_april_and_may(veterans)
    may = f"/recovery-tasks/{tasks['2026-05']}"
    await veterans.post(
        f"{may}/repayments", repayment("JK-9", 50_000), expect=201, headers=caseworker(veterans)
    )
    refused(
        await veterans.post(
            f"{may}/waiver", {"reason": "无力偿还"}, expect=None, headers=caseworker(veterans)
        ),
        403,
        "role_not_permitted",
    )
    refused(
        await veterans.post(f"{may}/waiver", {"reason": ""}, expect=None, headers=approver(veterans)),
        422,
        "invalid_input",
        "reason",
    )
    waived = await veterans.post(
        f"{may}/waiver", {"reason": "领款人无力偿还, 经研究核销"}, expect=201, headers=approver(veterans)
    )
    assert {
        k: waived.json()[k] for k in ("status", "outcome", "repaid_fen", "waived_fen", "outstanding_fen")
    } == {
        "status": "closed",
        "outcome": "waived",
        "repaid_fen": 50_000,
        "waived_fen": MAY - 50_000,
        "outstanding_fen": 0,
    }
    assert waived.json()["waiver_reason"] == "领款人无力偿还, 经研究核销"
    for path, body in ((f"{may}/waiver", {"reason": "again"}), (f"{may}/repayments", repayment("JK-10", 1))):
        refused(await veterans.post(path, body, expect=None, headers=approver(veterans)), 409, "task_closed")

    def listed(**params: str) -> Any:
        return veterans.get("/recovery-tasks", headers=approver(veterans), **params)

    closed = (await listed(status="closed")).json()
    assert [t["period"] for t in closed["items"]] == ["2026-05"] and closed["outstanding_fen"] == 0
    still = (await listed(status="open")).json()
    assert [t["period"] for t in still["items"]] == ["2026-04"] and still["outstanding_fen"] == APRIL
    case_id = closed["items"][0]["case_id"]
    assert (await listed(case_id=case_id)).json()["total"] == 2
    assert (await listed(township="330727101")).json()["total"] == 2
    assert (await listed(township="330727102")).json()["total"] == 0
    bad = await veterans.get("/recovery-tasks", status="done", expect=None, headers=approver(veterans))
    refused(bad, 422, "invalid_input", "status")
    case = (await veterans.get(f"/death-cases/{case_id}", headers=approver(veterans))).json()
    assert [(o["period"], o["status"]) for o in case["overpayments"]] == [
        ("2026-04", "open"),
        ("2026-05", "closed"),
    ]
