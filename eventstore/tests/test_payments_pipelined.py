"""A run on the pool keeps one batch in flight while it builds the next: it still pays each case
once and counts what it wrote; a batch with an event its contract refuses is refused whole
before it commits, the batches before it stay committed and none after it is written; a run in
the caller's transaction writes batch by batch on that connection."""

from __future__ import annotations

import uuid

import pytest

from minzheng_eventstore import EventStore, RecordedEvent
from minzheng_eventstore.errors import UnpublishableEventError
from minzheng_eventstore.payments import MonthlyRun, payment_stream
from minzheng_eventstore.relay import OutgoingMessage, publication_check

from .test_payments import NS, Paid, builder

PERIOD = "2026-03"


async def pay(run: MonthlyRun, cases: list[uuid.UUID], first: int = 0) -> None:
    for n, case in enumerate(cases, start=first):
        pid = run.payment_id(case)
        await run.pay(
            case, Paid(str(pid), str(case), 100 + n), event_id=pid, amount_fen=100 + n, jurisdiction="330727"
        )


async def written(store: EventStore, cases: list[uuid.UUID]) -> list[bool]:
    async with store.pool.acquire() as conn:
        found = {
            r["stream_id"]
            for r in await conn.fetch(
                "SELECT stream_id FROM events WHERE stream_id = ANY($1::text[])",
                [payment_stream(c, PERIOD) for c in cases],
            )
        }
    return [payment_stream(c, PERIOD) in found for c in cases]


async def test_a_run_of_many_batches_in_flight_pays_each_case_once_and_counts_it(store: EventStore) -> None:
    cases = [uuid.uuid4() for _ in range(103)]
    early = MonthlyRun(store, builder(), namespace=NS, period=PERIOD, batch=10)
    await pay(early, cases[40:55], first=40)  # some paid by an earlier, interrupted run
    await early.flush()
    assert early.result.paid == 15

    run = MonthlyRun(store, builder(), namespace=NS, period=PERIOD, batch=10)
    await pay(run, cases)
    result = await run.finish()
    assert (result.considered, result.paid, result.already_paid) == (103, 88, 15)
    assert result.total_fen == sum(100 + n for n in range(103) if not 40 <= n < 55)
    assert all(await written(store, cases))
    async with store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events") == 103


async def test_a_batch_the_contract_refuses_is_refused_whole_and_nothing_after_it_is_written(
    store: EventStore,
) -> None:
    cases = [uuid.uuid4() for _ in range(60)]
    bad = cases[25]  # in the third batch of 10

    def publication(e: RecordedEvent) -> OutgoingMessage | None:
        if e.data["case"] == str(bad):
            raise ValueError("the contract refuses it")
        return OutgoingMessage("x.y", b"{}")

    store.publication_check = publication_check(publication)
    run = MonthlyRun(store, builder(), namespace=NS, period=PERIOD, batch=10)
    with pytest.raises(UnpublishableEventError):
        await pay(run, cases)
        await run.finish()
    assert await written(store, cases) == [n < 20 for n in range(60)]
    assert (run.result.paid, run.result.already_paid) == (20, 0)


async def test_a_run_in_the_callers_transaction_writes_on_that_connection(store: EventStore) -> None:
    cases = [uuid.uuid4() for _ in range(25)]
    async with store.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        run = MonthlyRun(store, builder(), namespace=NS, period=PERIOD, batch=10, conn=conn)
        await pay(run, cases)
        assert (await run.finish()).paid == 25
        await tx.rollback()  # the caller's transaction decides: nothing is left
    assert not any(await written(store, cases))
