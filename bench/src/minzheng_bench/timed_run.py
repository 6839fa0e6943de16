"""A payment run timed as a busy county deploys it: the run in this process, the service's outbox
relay in a process of its own (``python -m minzheng_<service> relay``) and another service's consumer
of ``PaymentIssued`` (``payment_consumer``) in a third. Used by assistance's and the veterans' runs."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from minzheng_eventstore import EventStore

from .processes import cpu_seconds, stop

R = TypeVar("R")
PUBLISHED = "SELECT published FROM relay_checkpoints WHERE relay = $1"


async def time_run(
    store: EventStore,
    *,
    service: str,
    database_url: str,
    consumer_database_url: str,
    nats_url: str,
    count: int,
    run: Callable[[], Awaitable[R]],
) -> tuple[R, dict[str, Any]]:
    """Run ``run()`` (it writes ``count`` payments) and mark every payment appended, every payment
    published (the relay's durable count) and the consumer's read model holding every payment, in
    seconds from the start. The history before counts as published: the relay starts at the head."""
    relay_name = f"{service}-outbox"
    async with store.pool.acquire() as conn:
        head = await store.head()
        await conn.execute(
            "INSERT INTO relay_checkpoints (relay, tx, position, published) VALUES ($1, $2, $3, 0) "
            "ON CONFLICT (relay) DO UPDATE SET tx = excluded.tx, position = excluded.position",
            relay_name,
            head.tx,
            head.position,
        )
        # a monthly run starts on a settled database, not on the set-up's dead rows and WAL
        await conn.execute("VACUUM ANALYZE")
        await conn.execute("CHECKPOINT")
        published_before = await conn.fetchval(PUBLISHED, relay_name)
    key = service.upper()
    env = {
        **os.environ,
        f"{key}_DATABASE_URL": database_url,
        f"{key}_NATS_URL": nats_url,
        f"{key}_PSEUDONYM_KEY": "benchmark-key-not-a-secret",
        f"{key}_OIDC_ISSUER": "http://127.0.0.1:9/no-issuer",  # the relay verifies no token
    }
    relay = await asyncio.create_subprocess_exec(
        sys.executable, "-m", f"minzheng_{service}", "relay", env=env, stderr=asyncio.subprocess.PIPE
    )
    consumer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "minzheng_bench.payment_consumer",
        consumer_database_url,
        nats_url,
        str(count),
        f"payments{time.monotonic_ns()}",
        key,
        f"{service}.payment.issued",
        stdout=asyncio.subprocess.PIPE,
    )
    assert consumer.stdout is not None and relay.stderr is not None
    relay_running = asyncio.Event()

    async def relay_log(stream: asyncio.StreamReader) -> None:  # read it all: a full pipe blocks
        async for line in stream:
            if f"relay {relay_name} running".encode() in line:
                relay_running.set()

    reading = asyncio.create_task(relay_log(relay.stderr))
    try:
        assert (await consumer.stdout.readline()).startswith(b"ready")
        await asyncio.wait_for(relay_running.wait(), 60)
        marks: dict[str, float] = {}

        async def watch_relay() -> None:
            async with store.pool.acquire() as conn:
                while (  # noqa: ASYNC110 - polling is the measurement
                    await conn.fetchval(
                        "SELECT published FROM relay_checkpoints WHERE relay = $1", relay_name
                    )
                    < published_before + count
                ):
                    await asyncio.sleep(0.01)
            marks["published"] = time.time()

        children = {"relay": relay.pid, "consumer": consumer.pid}
        cpu_before = cpu_seconds(children)
        start = time.time()
        watching = asyncio.create_task(watch_relay())
        result = await run()
        appended = time.time()
        line = await asyncio.wait_for(consumer.stdout.readline(), 900)
        seen = float(line.split()[1])
        cpu_after = cpu_seconds(children)
        await asyncio.wait_for(watching, 60)
    finally:
        await stop(consumer, relay, grace=10)
        reading.cancel()
    return result, {
        "append_s": appended - start,
        "publish_s": marks["published"] - start,
        "end_to_end_s": seen - start,
        "cpu_s": {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before},
    }
