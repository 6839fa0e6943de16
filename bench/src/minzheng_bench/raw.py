"""Raw references, measured in the same run as the platform (shared/anchors/limits_bench.py)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import asyncpg
import nats

from minzheng_eventstore.dsn import asyncpg_dsn

BODY = {"county": "330727", "members": 3, "income_fen": 30_000}
DDL = """
DROP TABLE IF EXISTS lim_events;
CREATE TABLE lim_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id uuid NOT NULL, version int NOT NULL,
  type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version))
"""
INSERT = "INSERT INTO lim_events (stream_id, version, type, data) VALUES ($1, 1, 'HouseholdApplied', $2)"


async def postgres(database_url: str, n: int) -> dict[str, float]:
    pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=16, max_size=16)
    body = json.dumps(BODY)
    async with pool.acquire() as c:
        await c.execute(DDL)

    async def one(c: asyncpg.Connection) -> None:
        async with c.transaction():
            await c.execute(INSERT, uuid.uuid4(), body)

    async with pool.acquire() as c:
        t = time.perf_counter()
        for _ in range(n):
            await one(c)
        seq = n / (time.perf_counter() - t)

    async def worker(k: int) -> None:
        async with pool.acquire() as c:
            for _ in range(k):
                await one(c)

    t = time.perf_counter()
    await asyncio.gather(*(worker(n // 16) for _ in range(16)))
    conc = (n // 16 * 16) / (time.perf_counter() - t)
    rows = [(uuid.uuid4(), body) for _ in range(n * 10)]
    async with pool.acquire() as c:
        t = time.perf_counter()
        async with c.transaction():
            await c.executemany(INSERT, rows)
        batch = len(rows) / (time.perf_counter() - t)
        t = time.perf_counter()
        count = 0
        async with c.transaction():
            async for _ in c.cursor(
                "SELECT position, type, data FROM lim_events ORDER BY position", prefetch=5000
            ):
                count += 1
        read = count / (time.perf_counter() - t)
    await pool.close()
    return {"pg_txn_seq": seq, "pg_txn_16": conc, "pg_batched": batch, "pg_ordered_read": read}


async def jetstream(nats_url: str, n: int) -> dict[str, float]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    name = f"RAW{uuid.uuid4().hex[:8].upper()}"
    await js.add_stream(name=name, subjects=[f"{name.lower()}.>"])
    body = json.dumps(BODY).encode()
    t = time.perf_counter()
    for i in range(n):
        await js.publish(f"{name.lower()}.a", body, headers={"Nats-Msg-Id": f"s{i}"})
    seq = n / (time.perf_counter() - t)
    m = n * 5
    t = time.perf_counter()
    for k in range(0, m, 500):
        await asyncio.gather(
            *(
                js.publish(f"{name.lower()}.b", body, headers={"Nats-Msg-Id": f"p{i}"})
                for i in range(k, k + 500)
            )
        )
    pipe = m / (time.perf_counter() - t)
    sub = await js.pull_subscribe(f"{name.lower()}.>", durable="raw")
    got = 0
    t = time.perf_counter()
    while got < n + m:
        msgs = await sub.fetch(100, timeout=5)
        for msg in msgs:
            json.loads(msg.data)
            await msg.ack()
        got += len(msgs)
    consume = got / (time.perf_counter() - t)
    await js.delete_stream(name)
    await nc.close()
    return {"js_publish_seq": seq, "js_publish_500": pipe, "js_pull_consume": consume}
