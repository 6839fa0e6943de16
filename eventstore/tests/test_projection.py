"""Projections: ``RowWrites`` gives the rows of one-by-one writes; a filtered projection's
checkpoint moves past the stream types it does not read."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

from minzheng_eventstore import EventStore, NewEvent, RecordedEvent
from minzheng_eventstore.projection import Projection, RowWrites
from minzheng_eventstore.store import Connection

NOW = datetime(2026, 3, 1, tzinfo=UTC)

INSERT = "INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT DO NOTHING"
SHIFT = "UPDATE t SET v = v * 10 + $2 WHERE k = $1"  # not commutative: order per row matters
NEGATE = "UPDATE t SET v = -v WHERE k = $1"


async def test_round_application_keeps_each_rows_order(store: EventStore) -> None:
    rng = random.Random(7)
    writes = RowWrites()
    expected: dict[str, int] = {}
    for _ in range(3000):
        key = f"row-{rng.randrange(200)}"
        if key not in expected:
            digit = rng.randrange(10)
            writes.add(INSERT, key, digit)
            expected[key] = digit
        elif rng.random() < 0.8:
            digit = rng.randrange(10)
            writes.add(SHIFT, key, digit)
            expected[key] = expected[key] * 10 + digit
        else:
            writes.add(NEGATE, key)
            expected[key] = -expected[key]
    async with store.pool.acquire() as conn:
        await conn.execute("CREATE TABLE t (k text PRIMARY KEY, v numeric NOT NULL)")
        async with conn.transaction():
            await writes.apply(conn)
        rows = {r["k"]: int(r["v"]) for r in await conn.fetch("SELECT k, v FROM t")}
    assert rows == expected
    assert len(writes) == 0  # applied writes are cleared


async def test_empty_batch_is_a_no_op(store: EventStore) -> None:
    async with store.pool.acquire() as conn:
        await RowWrites().apply(conn)


async def test_a_projection_of_some_stream_types_moves_its_checkpoint_past_the_others(
    store: EventStore,
) -> None:
    seen: list[str] = []

    async def handle(events: list[RecordedEvent], conn: Connection) -> None:
        seen.extend(e.stream_id for e in events)

    for n in range(25):
        stream_type = "payment" if n in (3, 17) else "household"
        await store.append(
            f"{stream_type}-{n}", stream_type, 0, [NewEvent(event_type="E", data={}, occurred_at=NOW)]
        )
    projection = Projection(store, "payments-only", handle, stream_types=["payment"], batch_size=4)
    assert await projection.catch_up() == 2
    assert seen == ["payment-3", "payment-17"]
    assert await projection.checkpoint() == await store.head()
    assert await projection.run_once() == 0


async def test_two_processes_catching_up_the_same_projection_apply_each_event_once(store: EventStore) -> None:
    applied: list[str] = []

    async def handle(events: list[RecordedEvent], conn: Connection) -> None:
        await asyncio.sleep(0.002)  # let the other runner in between pages
        applied.extend(e.stream_id for e in events)

    for n in range(300):
        await store.append(
            f"household-{n}", "household", 0, [NewEvent(event_type="E", data={}, occurred_at=NOW)]
        )
    # two runners of one projection (two service processes): pages read ahead by one of them go
    # stale when the other moves the checkpoint, and must not be applied
    one, two, three = (Projection(store, "shared", handle, batch_size=b) for b in (7, 11, 5))
    counts = await asyncio.gather(one.catch_up(), two.catch_up(), three.catch_up())
    assert sum(counts) == 300
    assert sorted(applied) == sorted(f"household-{n}" for n in range(300))
    assert len(set(applied)) == 300
    assert await one.checkpoint() == await store.head()
