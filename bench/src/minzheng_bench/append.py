"""Append throughput: the event store beside raw asyncpg inserts, in one run.

The hash chain's cost: the same appends by a store without it (``hash_chain=False``), one-event
commands and a payment run's bulk statement, in the same run.

References (shared/anchors/limits_bench.py): one transaction per event (``BEGIN; INSERT; COMMIT``),
sequential and 16 concurrent; and the single ``INSERT`` in autocommit, the one-round-trip ceiling.
The store appends a one-event command to a new stream with an expected version (the shape of
"household applied"), sequential and 16 concurrent.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.ext.asyncio import create_async_engine

from minzheng_eventstore import EventStore, NewEvent, install
from minzheng_eventstore.dsn import asyncpg_dsn, sqlalchemy_url

BODY = {"county": "330727", "members": 3, "income_fen": 30_000}
RAW_DDL = """
DROP TABLE IF EXISTS raw_events;
CREATE TABLE raw_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id uuid NOT NULL, version int NOT NULL,
  type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version))
"""
RAW_INSERT = "INSERT INTO raw_events (stream_id, version, type, data) VALUES ($1, 1, 'HouseholdApplied', $2)"
CONCURRENCY = 16


@dataclass(frozen=True)
class AppendFigures:
    raw_txn_seq: float
    raw_txn_16: float
    raw_stmt_seq: float
    raw_stmt_16: float
    store_seq: float
    store_16: float
    unchained_seq: float
    unchained_16: float
    bulk: float
    bulk_unchained: float

    def rows(self) -> list[tuple[str, float, str, float]]:
        """(figure, value/s, reference name, ratio)."""
        return [
            (
                "store append, sequential",
                self.store_seq,
                "raw txn/event sequential",
                self.store_seq / self.raw_txn_seq,
            ),
            (
                "store append, 16 concurrent",
                self.store_16,
                "raw txn/event 16 concurrent",
                self.store_16 / self.raw_txn_16,
            ),
            (
                "store append, sequential",
                self.store_seq,
                "raw single INSERT sequential",
                self.store_seq / self.raw_stmt_seq,
            ),
            (
                "store append, 16 concurrent",
                self.store_16,
                "raw single INSERT 16 conc.",
                self.store_16 / self.raw_stmt_16,
            ),
        ]


async def _rate(n: int, one: object, workers: int) -> float:
    async def worker(k: int) -> None:
        for _ in range(k):
            await one()  # type: ignore[operator]

    start = time.perf_counter()
    await asyncio.gather(*(worker(n // workers) for _ in range(workers)))
    return (n // workers * workers) / (time.perf_counter() - start)


async def measure_append(database_url: str, n: int) -> AppendFigures:
    """Run the raw probes and the store's appends on ``database_url`` (an empty database)."""
    pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=CONCURRENCY, max_size=CONCURRENCY)
    async with pool.acquire() as conn:
        await conn.execute(RAW_DDL)
    body = json.dumps(BODY)

    async def raw_txn() -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(RAW_INSERT, uuid.uuid4(), body)

    async def raw_stmt() -> None:
        async with pool.acquire() as conn:
            await conn.execute(RAW_INSERT, uuid.uuid4(), body)

    engine = create_async_engine(sqlalchemy_url(database_url))
    await install(engine)
    await engine.dispose()
    store = await EventStore.connect(database_url, min_size=CONCURRENCY, max_size=CONCURRENCY)
    unchained = await EventStore.connect(
        database_url, min_size=CONCURRENCY, max_size=CONCURRENCY, hash_chain=False
    )
    now = datetime.now(UTC)

    async def store_append() -> None:
        event = NewEvent(event_type="HouseholdApplied", data=BODY, occurred_at=now)
        await store.append(f"household-{uuid.uuid4()}", "household", 0, [event])

    async def unchained_append() -> None:
        event = NewEvent(event_type="HouseholdApplied", data=BODY, occurred_at=now)
        await unchained.append(f"household-{uuid.uuid4()}", "household", 0, [event])

    async def bulk(target: EventStore, rounds: int = 5, size: int = 2000) -> float:
        """Payment-run shape: ``create_streams_once`` of ``size`` one-event streams."""
        start = time.perf_counter()
        for _ in range(rounds):
            streams = [
                (
                    f"payment-{uuid.uuid4()}",
                    [NewEvent(event_type="PaymentIssued", data=BODY, occurred_at=now)],
                )
                for _ in range(size)
            ]
            await target.create_streams_once("payment", streams)
        return rounds * size / (time.perf_counter() - start)

    try:
        # warm up every connection's statement cache
        await _rate(CONCURRENCY * 10, raw_txn, CONCURRENCY)
        await _rate(CONCURRENCY * 10, store_append, CONCURRENCY)
        await _rate(CONCURRENCY * 10, unchained_append, CONCURRENCY)
        figures = AppendFigures(
            raw_txn_seq=await _rate(n, raw_txn, 1),
            store_seq=await _rate(n, store_append, 1),
            unchained_seq=await _rate(n, unchained_append, 1),
            raw_stmt_seq=await _rate(n, raw_stmt, 1),
            raw_txn_16=await _rate(n, raw_txn, CONCURRENCY),
            store_16=await _rate(n, store_append, CONCURRENCY),
            unchained_16=await _rate(n, unchained_append, CONCURRENCY),
            raw_stmt_16=await _rate(n, raw_stmt, CONCURRENCY),
            bulk_unchained=await bulk(unchained),
            bulk=await bulk(store),
        )
    finally:
        await unchained.close()
        await store.close()
        await pool.close()
    return figures
