"""``RowWrites``: a batch's read-model writes applied in rounds give the same rows as one by one."""

from __future__ import annotations

import random

from minzheng_eventstore import EventStore
from minzheng_eventstore.projection import RowWrites

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
