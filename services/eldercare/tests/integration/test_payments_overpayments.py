"""Overpayments on the real stack: an end whose last period is before months already paid records
one ``OverpaymentRecorded`` per payment overpaid, exactly once (the end delivered twice, the
reaction's checkpoint reset, the ledger rebuilt), and the next run pays nothing after the end."""

from __future__ import annotations

from minzheng_eldercare.application.payments import ledger_reads, overpayments
from minzheng_eldercare.domain.allowance import events as ev

from .conftest import Running
from .test_payments_seed import VILLAGE, record, seed


def death(elder_id: str, resident: str, last: str, died_on: str) -> ev.AllowanceEnded:
    return ev.AllowanceEnded(elder_id, elder_id, resident, VILLAGE, "death", last, died_on)


async def test_months_paid_after_the_month_of_death_are_overpaid_once(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    a = await seed(ctx, 1)
    b = await seed(ctx, 2)
    for month in ("2026-01", "2026-02", "2026-03"):
        await eldercare.post("/allowance-runs", {"period": month}, expect=201)
    await record(ctx, a.elder_id, [death(a.elder_id, a.resident, "2026-01", "2026-01-20")])
    listed = (await eldercare.get("/allowance-overpayments")).json()
    assert [(o["elder_id"], o["key"], o["months"], o["amount_fen"]) for o in listed] == [
        (a.elder_id, "2026-02", ["2026-02"], 12_000),
        (a.elder_id, "2026-03", ["2026-03"], 12_000),
    ]
    assert {o["reason"] for o in listed} == {"death"} and listed[0]["died_on"] == "2026-01-20"

    # the end delivered twice, the reaction replayed from the start, the ledger rebuilt: no more
    await record(ctx, a.elder_id, [death(a.elder_id, a.resident, "2026-01", "2026-01-20")])
    async with ctx.store.pool.acquire() as conn:
        await conn.execute("DELETE FROM projection_checkpoints WHERE projection = $1", overpayments.NAME)
    assert await overpayments.react(ctx) > 0
    await ctx.projection(ledger_reads.NAME).rebuild()
    assert len((await eldercare.get("/allowance-overpayments")).json()) == 2
    assert (
        await eldercare.fetchval("SELECT count(*) FROM events WHERE event_type = 'OverpaymentRecorded'") == 2
    )

    rerun = (await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)).json()
    assert (rerun["paid"], rerun["already_paid"], rerun["skipped"]) == (0, 1, {"ended": 1})
    only_b = (await eldercare.get("/allowance-overpayments", elder_id=b.elder_id)).json()
    assert only_b == []


async def test_an_end_with_nothing_paid_after_it_records_nothing(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    a = await seed(ctx, 1)
    await eldercare.post("/allowance-runs", {"period": "2026-02"}, expect=201)
    await record(ctx, a.elder_id, [death(a.elder_id, a.resident, "2026-02", "2026-02-03")])
    assert (await eldercare.get("/allowance-overpayments")).json() == []
    march = (await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)).json()
    assert (march["paid"], march["skipped"]) == (0, {"ended": 1})


async def test_the_background_reaction_takes_the_end_in_by_itself(eldercare: Running) -> None:
    """The reaction as the service runs it (a background task; the test service starts none)."""
    import asyncio

    ctx = eldercare.service.context()
    a = await seed(ctx, 1)
    await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)
    stop = asyncio.Event()
    task = asyncio.create_task(overpayments.background(ctx, stop))
    try:
        await record(ctx, a.elder_id, [death(a.elder_id, a.resident, "2026-02", "2026-02-10")])
        for _ in range(500):
            if await eldercare.fetchval(
                "SELECT count(*) FROM events WHERE event_type = 'OverpaymentRecorded'"
            ):
                break
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task
    assert (
        await eldercare.fetchval("SELECT count(*) FROM events WHERE event_type = 'OverpaymentRecorded'") == 1
    )
