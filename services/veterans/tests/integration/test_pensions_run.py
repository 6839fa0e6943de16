"""The pension run on the real stack: the right amounts, a repeat pays nobody twice, stacking
from a month, a raise mid-year, a late raise back-paid once (also when the run is repeated or the
standard posted again), a month not payable not paid, the old county paying a transferred person
through December only; the routes' reads and refusals.

The entitlements are given as the entitlement area answers the run (``roll.Entitled``: payable
this month, on which terms): that area is not in the service yet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore import standards as stored
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA
from minzheng_kernel.standards import monthly_share
from minzheng_veterans.application.pensions.lock import hold_payments
from minzheng_veterans.application.pensions.paid import months_paid
from minzheng_veterans.application.pensions.roll import Entitled
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.domain.pensions.parameters import basis_of

if TYPE_CHECKING:
    from conftest import Running

COUNTY = "330727"
VILLAGE = "330727101201"
RUNNER = Actor("approver-1")
WAR_1 = 8_815_000  # 因战一级, yuan 88,150 a year from 2019-08-01


def entitlement(
    eid: str,
    person: str,
    category: str,
    key: str | None = None,
    *,
    payable: Callable[[Period], bool] = lambda p: True,
    years: int = 1,
    residence: str = VILLAGE,
) -> Entitled:
    basis = basis_of(category, key, service_years=years)
    return Entitled(
        eid, person, "330727195203040019", residence, category, lambda p: basis if payable(p) else None
    )


ROLL = [
    entitlement("e1", "p1", "disabled", "war.1"),
    entitlement("e2", "p1", "ill_returned"),
    entitlement("e3", "p2", "rural_veteran_60", years=3),
]


async def at(v: Running, year: int, month: int) -> None:
    v.clock.set(datetime(year, month, 1, 8, 0, tzinfo=CHINA))


async def standard(v: Running, parameter: str, on: date, value: int) -> bool:
    async with v.service.host.store.pool.acquire() as conn:
        return await stored.insert_standard(conn, stored.StandardRow(parameter, COUNTY, on, value))


async def count(v: Running, event_type: str) -> int:
    return int(await v.fetchval("SELECT count(*) FROM events WHERE event_type = $1", event_type))


async def test_a_run_pays_the_right_amounts_and_a_repeat_pays_nobody_twice(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    first = await run_pensions(ctx, RUNNER, Period(2026, 3), roll=ROLL)
    assert (first.monthly.paid, first.monthly.already_paid, first.back.paid) == (3, 0, 0)
    assert first.monthly.total_fen == monthly_share(WAR_1, 3) + 55_000 + 3 * 3_500
    again = await run_pensions(ctx, RUNNER, Period(2026, 3), roll=ROLL)
    assert (again.monthly.paid, again.monthly.already_paid, again.monthly.total_fen) == (0, 3, 0)
    assert await count(veterans, "PensionPaid") == 3

    runs = (await veterans.get("/pension-runs/2026-03")).json()
    assert [(r["paid"], r["already_paid"]) for r in runs] == [(3, 0), (0, 3)]
    lines = (await veterans.get("/entitlements/e1/payments")).json()
    assert [(x["kind"], x["period"], x["amount_fen"]) for x in lines] == [
        ("monthly", "2026-03", monthly_share(WAR_1, 3))
    ]
    assert lines[0]["standard_id"] == "pension.disabled.war.1:330727:2019-08-01"
    elsewhere = veterans.as_caller("auditor", division="330727102")  # another township sees none
    assert (await veterans.get("/entitlements/e1/payments", headers=elsewhere)).json() == []
    township = veterans.as_caller("auditor", division="330727101")
    assert len((await veterans.get("/entitlements/e1/payments", headers=township)).json()) == 1
    ledger = (await veterans.get("/pension-ledger", period="2026-03")).json()
    assert {r["category"]: r["total_fen"] for r in ledger} == {
        "disabled": monthly_share(WAR_1, 3),
        "ill_returned": 55_000,
        "rural_veteran_60": 10_500,
    }
    refused(await veterans.get("/pension-runs/2026-02", expect=None), 404, "no_run")


async def test_only_the_highest_is_paid_from_the_month_stacking_stops(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    assert await standard(veterans, "pension.stacking", date(2026, 4, 1), 0)
    await at(veterans, 2026, 4)
    march = await run_pensions(ctx, RUNNER, Period(2026, 3), roll=ROLL)
    april = await run_pensions(ctx, RUNNER, Period(2026, 4), roll=ROLL)
    assert (march.monthly.paid, april.monthly.paid) == (3, 2)
    assert april.monthly.skipped == {"not_highest": 1}
    lines = (await veterans.get("/entitlements/e2/payments")).json()
    assert [x["period"] for x in lines] == ["2026-03"]


async def test_a_raise_from_july_pays_the_new_amount_from_july(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    assert await standard(veterans, "pension.disabled.war.1", date(2026, 7, 1), 9_600_000)
    await at(veterans, 2026, 7)
    roll = ROLL[:1]
    for month in (6, 7):
        await run_pensions(ctx, RUNNER, Period(2026, month), roll=roll)
    lines = (await veterans.get("/entitlements/e1/payments")).json()
    assert [(x["period"], x["amount_fen"], x["standard_id"][-10:]) for x in lines] == [
        ("2026-06", monthly_share(WAR_1, 6), "2019-08-01"),
        ("2026-07", monthly_share(9_600_000, 7), "2026-07-01"),
    ]


async def test_a_late_raise_back_pays_the_months_between_once(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    roll = ROLL[1:2]  # 带病回乡, 550 yuan a month
    await at(veterans, 2026, 5)
    for month in (3, 4):
        await run_pensions(ctx, RUNNER, Period(2026, month), roll=roll)
    # published in May, in force from March: March and April were paid at 550
    assert await standard(veterans, "pension.ill_returned", date(2026, 3, 1), 60_000)
    may = await run_pensions(ctx, RUNNER, Period(2026, 5), roll=roll)
    assert (may.monthly.paid, may.monthly.total_fen) == (1, 60_000)
    assert (may.back.paid, may.back.total_fen) == (1, 2 * 5_000)
    again = await run_pensions(ctx, RUNNER, Period(2026, 5), roll=roll)
    assert (again.monthly.paid, again.back.paid, again.back.already_paid) == (0, 0, 0)
    assert not await standard(veterans, "pension.ill_returned", date(2026, 3, 1), 60_000)  # posted again
    await run_pensions(ctx, RUNNER, Period(2026, 4), roll=roll)
    assert await count(veterans, "PensionBackPaid") == 1
    paid = await months_paid(ctx.store, "e2")
    assert {str(p): m.amount_fen for p, m in paid.items()} == {
        "2026-03": 60_000,
        "2026-04": 60_000,
        "2026-05": 60_000,
    }
    lines = (await veterans.get("/entitlements/e2/payments")).json()
    assert [(x["kind"], x["period"], x["amount_fen"]) for x in lines if x["kind"] == "backpay"] == [
        ("backpay", "2026-03", 5_000),
        ("backpay", "2026-04", 5_000),
    ]
    ledger = (await veterans.get("/pension-ledger", category="ill_returned")).json()
    assert [(r["period"], r["total_fen"], r["back_paid_fen"]) for r in ledger] == [
        ("2026-03", 60_000, 5_000),
        ("2026-04", 60_000, 5_000),
        ("2026-05", 60_000, None),
    ]


async def test_a_month_not_payable_is_not_paid_and_a_transfer_ends_with_december(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    suspended = entitlement("s1", "p3", "ill_returned", payable=lambda p: p != Period(2026, 11))
    # transferred out in 2026: the old county pays through December, the new one from 1 January
    moved = entitlement("t1", "p4", "ill_returned", payable=lambda p: p <= Period(2026, 12))
    await at(veterans, 2027, 1)
    results = [
        await run_pensions(ctx, RUNNER, Period.parse(m), roll=[suspended, moved])
        for m in ("2026-11", "2026-12", "2027-01")
    ]
    assert [r.monthly.paid for r in results] == [1, 2, 1]
    assert results[0].monthly.skipped == {"not_payable": 1} == results[2].monthly.skipped
    assert [str(p) for p in await months_paid(ctx.store, "t1")] == ["2026-11", "2026-12"]
    assert [str(p) for p in await months_paid(ctx.store, "s1")] == ["2026-12", "2027-01"]


async def test_the_run_route_refuses_a_future_month_a_smaller_division_and_other_roles(
    veterans: Running,
) -> None:
    await load_pension_standards(veterans.service.context())
    refused(await veterans.post("/pension-runs", {"period": "2026-04"}), 422, "period_in_future", "period")
    refused(await veterans.post("/pension-runs", {"period": "2026-13"}), 422, "invalid_input")
    township = veterans.as_caller("county-approver", division="330727101")
    refused(
        await veterans.post("/pension-runs", {"period": "2026-03"}, headers=township),
        403,
        "outside_jurisdiction",
    )
    caseworker = veterans.as_caller("township-caseworker")
    refused(
        await veterans.post("/pension-runs", {"period": "2026-03"}, headers=caseworker),
        403,
        "role_not_permitted",
    )
    assert await count(veterans, "PensionRunCompleted") == 0
    out = (await veterans.post("/pension-runs", {"period": "2026-03"}, expect=201)).json()
    assert out["period"] == "2026-03"


async def test_a_run_waits_for_a_unit_that_ends_entitlements(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    async with ctx.store.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await hold_payments(conn)  # as the death area's unit does before it ends entitlements
        run = asyncio.create_task(run_pensions(ctx, RUNNER, Period(2026, 3), roll=ROLL))
        waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        for _ in range(6000):  # until the run waits for the lock
            if await veterans.fetchval(waiting):
                break
            await asyncio.sleep(0.01)
        assert not run.done()
        assert await count(veterans, "PensionPaid") == 0
        await tx.commit()
    assert (await run).monthly.paid == 3
