"""A March run racing a death whose last period is February: March is either paid and then
recorded as overpaid, or not paid at all; never paid and lost (the payments lock and the
overpayment reaction's ``hold_payments``)."""

from __future__ import annotations

import asyncio

from minzheng_contracts.period import Period
from minzheng_eldercare.application.payments import overpayments
from minzheng_eldercare.application.payments.run import run_allowances
from minzheng_eldercare.domain.allowance import events as ev
from minzheng_eventstore import Actor

from .conftest import Running
from .test_payments_seed import VILLAGE, record, seed, seed_many


async def test_a_run_racing_a_death_pays_march_and_records_it_overpaid_or_does_not_pay_it(
    eldercare: Running,
) -> None:
    ctx = eldercare.service.context()
    await seed_many(ctx, 3_000)
    a = await seed(ctx, 1)
    died = ev.AllowanceEnded(a.elder_id, a.elder_id, a.resident, VILLAGE, "death", "2026-02", "2026-02-14")
    stop = asyncio.Event()
    reacting = asyncio.create_task(overpayments.background(ctx, stop))
    try:
        running = asyncio.create_task(run_allowances(ctx, Actor("approver"), Period(2026, 3), batch=100))
        await asyncio.sleep(0.05)
        await record(ctx, a.elder_id, [died])
        result = await running
        assert result.result.paid + result.result.skipped.get("ended", 0) == 3_001
        await overpayments.react(ctx)
    finally:
        stop.set()
        await reacting
    paid = await eldercare.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'AllowancePaid' AND data->>'elder_id' = $1",
        a.elder_id,
    )
    overpaid = await eldercare.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'OverpaymentRecorded' AND data->>'elder_id' = $1",
        a.elder_id,
    )
    assert (paid, overpaid) in ((1, 1), (0, 0))
    again = await run_allowances(ctx, Actor("approver"), Period(2026, 3))
    assert again.result.paid == 0
