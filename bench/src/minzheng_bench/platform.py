"""The platform's own figures: relay, consume-and-project, rebuild, latency, append at scale."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import nats
from faststream.nats import NatsBroker

from minzheng_eventstore import (
    DurableConsumer,
    EventStore,
    Incoming,
    NewEvent,
    OutboxRelay,
    RecordedEvent,
    raw_event_publication,
)
from minzheng_eventstore.dsn import asyncpg_dsn
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.store import Connection

from .processes import cpu_seconds, stop

NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def _fill(store: EventStore, n: int, stream_type: str = "household", batch: int = 5000) -> None:
    for start in range(0, n, batch):
        streams = [
            (
                f"{stream_type}-{uuid.uuid4()}",
                [NewEvent(event_type="Applied", data={"n": i}, occurred_at=NOW)],
            )
            for i in range(start, min(n, start + batch))
        ]
        await store.create_streams_once(stream_type, streams)


async def verify_chains(store: EventStore, n: int) -> tuple[float, int]:
    """``verify`` over ``n`` events in streams of 4 (the CLI's walk: every hash recomputed in
    PostgreSQL, every link followed in Python): seconds, findings (0)."""
    from minzheng_eventstore.verify import verify_all

    for start in range(0, n, 20_000):
        streams = [
            (
                f"case-{uuid.uuid4()}",
                [NewEvent(event_type="Noted", data={"n": i, "v": v}, occurred_at=NOW) for v in range(4)],
            )
            for i in range(start // 4, min(n, start + 20_000) // 4)
        ]
        await store.create_streams_once("case", streams)
    async with store.pool.acquire() as conn:
        t = time.perf_counter()
        report = await verify_all(conn)
        seconds = time.perf_counter() - t
    assert report.events >= n, report.events
    return seconds, len(report.findings or [])


async def relay_throughput(store: EventStore, nats_url: str, n: int) -> float:
    await _fill(store, n, "relayed")
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    name = f"RELAY{uuid.uuid4().hex[:8].upper()}"
    await js.add_stream(name=name, subjects=[f"{name.lower()}.>"])
    relay = OutboxRelay(
        store, js, name=name, publication=raw_event_publication(name.lower()), stream_types=["relayed"]
    )
    stop = asyncio.Event()
    t = time.perf_counter()
    running = asyncio.create_task(relay.run(stop))  # the service's path: batches pipelined
    while relay.published < n:  # noqa: ASYNC110 - polling is the measurement
        await asyncio.sleep(0.002)
    rate = relay.published / (time.perf_counter() - t)
    stop.set()
    await running
    await js.delete_stream(name)
    await nc.close()
    return rate


async def consume_and_project(store: EventStore, nats_url: str, n: int) -> float:
    async with store.pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS projected (event_id uuid PRIMARY KEY, n int)")
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    name = f"CONS{uuid.uuid4().hex[:8].upper()}"
    await js.add_stream(name=name, subjects=[f"{name.lower()}.>"])
    for k in range(0, n, 500):
        await asyncio.gather(
            *(
                js.publish(
                    f"{name.lower()}.x",
                    json.dumps({"n": i}).encode(),
                    headers={"Nats-Msg-Id": str(uuid.uuid4())},
                )
                for i in range(k, min(n, k + 500))
            )
        )
    done = asyncio.Event()
    count = 0

    async def handle(msg: Incoming, conn: Connection) -> None:
        nonlocal count
        await conn.execute(
            "INSERT INTO projected (event_id, n) VALUES ($1, $2)", msg.event_id, json.loads(msg.data)["n"]
        )
        count += 1
        if count >= n:
            done.set()

    async def handle_many(items: list[Incoming], conn: Connection) -> None:
        nonlocal count
        await conn.executemany(
            "INSERT INTO projected (event_id, n) VALUES ($1, $2)",
            [(i.event_id, json.loads(i.data)["n"]) for i in items],
        )
        count += len(items)
        if count >= n:
            done.set()

    consumer = DurableConsumer(
        store,
        service="bench",
        purpose="project",
        version=1,
        stream=name,
        subject=f"{name.lower()}.>",
        handler=handle,
        batch_handler=handle_many,
        batch_size=500,
    )
    broker = NatsBroker(nats_url, logger=None)
    consumer.register(broker)
    t = time.perf_counter()
    await broker.start()
    await asyncio.wait_for(done.wait(), 300)
    rate = n / (time.perf_counter() - t)
    await broker.stop()
    await js.delete_stream(name)
    await nc.close()
    return rate


async def fill_for_rebuild(store: EventStore, n: int) -> None:
    """``n`` one-event streams of type ``rebuilt`` and the read model's table, vacuumed (set-up, not
    timed)."""
    await _fill(store, n, "rebuilt")
    async with store.pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS rebuilt_rm (stream_id text PRIMARY KEY, n int)")
        # a rebuild reads a settled store (as the payment runs' ``timed_run`` starts on one), not the
        # set-up's fresh pages: without it the first rebuild also sets every row's hint bits
        await conn.execute("VACUUM ANALYZE events")


async def _rebuilt_handle(events: list[RecordedEvent], conn: Connection) -> None:
    await conn.copy_records_to_table(
        "rebuilt_rm", records=[(e.stream_id, e.data["n"]) for e in events], columns=["stream_id", "n"]
    )


async def _rebuilt_reset(conn: Connection) -> None:
    await conn.execute("TRUNCATE rebuilt_rm")


async def rebuild_filled(store: EventStore) -> float:
    """Events/s of a rebuild of the ``rebuilt`` read model from zero (``fill_for_rebuild`` first)."""
    projection = Projection(
        store,
        "bench-rebuild",
        _rebuilt_handle,
        stream_types=["rebuilt"],
        reset=_rebuilt_reset,
        batch_size=5000,
    )
    t = time.perf_counter()
    folded = await projection.rebuild()
    return folded / (time.perf_counter() - t)


async def rebuild(store: EventStore, n: int) -> float:
    await fill_for_rebuild(store, n)
    return await rebuild_filled(store)


async def append_latency(store: EventStore, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        await store.append(
            f"latency-{uuid.uuid4()}",
            "latency",
            0,
            [NewEvent(event_type="Applied", data={}, occurred_at=NOW)],
        )
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


async def grow(database_url: str, rows: int) -> None:
    """Put ``rows`` events in the store straight from SQL (set-up, not measured)."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    step = 250_000
    for start in range(0, rows, step):
        await conn.execute(
            """INSERT INTO events (stream_id, stream_type, version, event_id, event_type, data, occurred_at)
               SELECT 'filler-' || g, 'filler', 1, gen_random_uuid(), 'Applied', '{"n": 1}', now()
               FROM generate_series($1::bigint, $2::bigint) g""",
            start,
            min(rows, start + step) - 1,
        )
    await conn.execute("ANALYZE events")
    await conn.close()


async def command_to_read_model_latency(
    database_a: str, database_b: str, nats_url: str, rate: float, seconds: float, idle_seconds: float = 3.0
) -> dict[str, float]:
    """p50/p95/p99 from an HTTP command to service A to the row in service B's read model, at a
    fixed rate; A (HTTP + relay) and B (consumer) each run in a process of their own, as deployed
    (``latency_services``), the commands go over TCP. Then the CPU the two use while idle (A's relay
    and B's consumer waiting), as a share of one core."""
    import socket
    import sys

    subject = f"assistance.bench{uuid.uuid4().hex[:6]}.applied"
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    module = [sys.executable, "-m", "minzheng_bench.latency_services"]
    a = await asyncio.create_subprocess_exec(
        *module, "commands", database_a, nats_url, subject, str(port), stdout=asyncio.subprocess.PIPE
    )
    b = await asyncio.create_subprocess_exec(
        *module, "reader", database_b, nats_url, subject, stdout=asyncio.subprocess.PIPE
    )
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    try:
        for process in (a, b):
            assert process.stdout is not None
            while (line := await asyncio.wait_for(process.stdout.readline(), 60)).strip() != b"ready":
                assert line, "a latency service ended before it was ready"
        conn = await asyncpg.connect(asyncpg_dsn(database_b))

        async def watch() -> None:
            last = 0
            while len(seen) < len(sent) or len(sent) < int(rate * seconds):
                rows = await conn.fetch("SELECT n, event_id FROM seen WHERE n > $1", last)  # new rows only
                now = time.perf_counter()
                for r in rows:
                    seen.setdefault(str(r["event_id"]), now)
                    last = max(last, r["n"])
                await asyncio.sleep(0.002)

        try:
            watcher = asyncio.create_task(watch())
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                interval = 1.0 / rate
                start = time.perf_counter()
                for i in range(int(rate * seconds)):
                    await asyncio.sleep(max(0.0, start + i * interval - time.perf_counter()))
                    cid = str(uuid.uuid4())
                    sent[cid] = time.perf_counter()
                    response = await http.post(f"/commands/{cid}")
                    response.raise_for_status()
            await asyncio.wait_for(watcher, 60)
        finally:
            await conn.close()
        services = {"a": a.pid, "b": b.pid}
        before, wall = cpu_seconds(services), time.perf_counter()
        await asyncio.sleep(idle_seconds)
        after = cpu_seconds(services)
        idle = sum(after[k] - before[k] for k in services) / (time.perf_counter() - wall)
    finally:
        await stop(a, b, grace=15)
    latencies = sorted((seen[k] - sent[k]) * 1000 for k in sent)
    return {
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "idle_cpu": idle,
    }


Timed = Callable[[], Awaitable[Any]]
