"""The pension ledger (抚恤事业费台账) on the real stack: a batch's lines written in one statement
hold one line per month paid (a back-payment one per month it makes up), and the ledger dropped
and rebuilt from the events holds the same lines."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore import standards as stored
from minzheng_veterans.application.pensions import ledger_reads
from minzheng_veterans.application.pensions.roll import Entitled
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.domain.pensions.parameters import basis_of

if TYPE_CHECKING:
    from conftest import Running

BASIS = basis_of("ill_returned")
ROLL = [
    Entitled(
        f"e{i}", f"p{i}", "330727195203040019", f"33072710{i % 3 + 1}201", "ill_returned", lambda p: BASIS
    )
    for i in range(7)
]


async def lines(v: Running) -> list[tuple[Any, ...]]:
    async with v.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(f"SELECT * FROM {ledger_reads.TABLE} ORDER BY line_id")
    return [tuple(r) for r in rows]


async def test_the_ledger_holds_a_line_per_month_paid_and_is_rebuilt_the_same(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    veterans.clock.set(veterans.clock.now().replace(month=5))
    for month in (3, 4):
        await run_pensions(ctx, Actor("approver-1"), Period(2026, month), roll=ROLL, batch=3)
    async with veterans.service.host.store.pool.acquire() as conn:  # a late raise from March
        await stored.insert_standard(
            conn, stored.StandardRow("pension.ill_returned", "330727", date(2026, 3, 1), 60_000)
        )
    await run_pensions(ctx, Actor("approver-1"), Period(2026, 5), roll=ROLL, batch=3)
    paid = await ledger_reads.paid_so_far(ctx, [e.entitlement_id for e in ROLL])
    assert paid == {e.entitlement_id: {Period(2026, m): 60_000 for m in (3, 4, 5)} for e in ROLL}
    before = await lines(veterans)
    kinds = [(r[2], r[5]) for r in before]
    assert sorted(kinds) == sorted(
        [("monthly", f"2026-0{m}") for m in (3, 4, 5)] * 7 + [("backpay", f"2026-0{m}") for m in (3, 4)] * 7
    )
    assert await ctx.projection(ledger_reads.NAME).rebuild() > 0
    assert await lines(veterans) == before
