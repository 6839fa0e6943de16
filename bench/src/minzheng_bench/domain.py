"""Domain benchmarks: the 100k-household monthly payment run (assistance)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.host import ServiceSettings

from .processes import cpu_seconds, stop


async def payment_run(
    database_url: str, consumer_database_url: str, nats_url: str, households: int
) -> dict[str, Any]:
    """Seed ``households`` approved households, then time one monthly run (``time_payment_run``)."""
    from minzheng_assistance.bulk import seed_approved_households
    from minzheng_assistance.entrypoints.app import Assistance

    service = Assistance(ServiceSettings("assistance", database_url, nats_url), clock=SystemClock())
    await service.host.migrate()
    async with service.host.running(consume=False, relay=False):
        t = time.perf_counter()
        await seed_approved_households(service.host.store, households)
        await service.context().projection("assistance-read-models").catch_up()
        seeded = time.perf_counter() - t
    return {
        **await time_payment_run(database_url, consumer_database_url, nats_url, households, Period(2026, 3)),
        "seed_s": seeded,
    }


async def time_payment_run(
    database_url: str, consumer_database_url: str, nats_url: str, households: int, period: Period
) -> dict[str, Any]:
    """Time one monthly run for ``period`` over the active households of ``database_url``, deployed
    as a busy county would: the service process (the run, and its payments projection following
    it), the service's outbox relay in a process of its own (``python -m minzheng_assistance
    relay``) and another service's consumer of ``PaymentIssued`` in a third. Marks: every payment
    appended, every payment published (the relay's durable count), the consumer's read model
    holding every payment. The seeded history counts as published before the run: the relay
    starts at the head of the log."""
    from minzheng_assistance.application.payments import run_payments
    from minzheng_assistance.entrypoints.app import Assistance
    from minzheng_eventstore import Actor

    service = Assistance(ServiceSettings("assistance", database_url, nats_url), clock=SystemClock())
    relay_name = "assistance-outbox"
    async with service.host.running(consume=False, relay=False):
        store = service.host.store
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
            published_before = await conn.fetchval(
                "SELECT published FROM relay_checkpoints WHERE relay = $1", relay_name
            )
        env = {
            **os.environ,
            "ASSISTANCE_DATABASE_URL": database_url,
            "ASSISTANCE_NATS_URL": nats_url,
            "ASSISTANCE_PSEUDONYM_KEY": "benchmark-key-not-a-secret",
            "ASSISTANCE_OIDC_ISSUER": "http://127.0.0.1:9/no-issuer",  # the relay verifies no token
        }
        relay = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "minzheng_assistance", "relay", env=env, stderr=asyncio.subprocess.PIPE
        )
        consumer = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "minzheng_bench.payment_consumer",
            consumer_database_url,
            nats_url,
            str(households),
            f"payments{time.monotonic_ns()}",
            stdout=asyncio.subprocess.PIPE,
        )
        assert consumer.stdout is not None and relay.stderr is not None
        relay_running = asyncio.Event()

        async def relay_log(stream: asyncio.StreamReader) -> None:  # read it all: a full pipe blocks
            async for line in stream:
                if b"relay assistance-outbox running" in line:
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
                        < published_before + households
                    ):
                        await asyncio.sleep(0.01)
                marks["published"] = time.time()

            children = {"relay": relay.pid, "consumer": consumer.pid}
            cpu_before = cpu_seconds(children)
            start = time.time()
            watching = asyncio.create_task(watch_relay())
            result = await run_payments(service.context(), Actor("bench"), period)
            appended = time.time()
            line = await asyncio.wait_for(consumer.stdout.readline(), 900)
            seen = float(line.split()[1])
            cpu_after = cpu_seconds(children)
            await asyncio.wait_for(watching, 60)
        finally:
            await stop(consumer, relay, grace=10)
            reading.cancel()
    return {
        "households": households,
        "paid": result.paid,
        "append_s": appended - start,
        "publish_s": marks["published"] - start,
        "end_to_end_s": seen - start,
        "cpu_s": {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before},
    }


async def sla_burst(
    database_url: str, nats_url: str, households: int, idle_seconds: float = 5.0
) -> dict[str, Any]:
    """Register ``households`` affected households of one incident in a burst (16 at a time), then
    move the clock past the deadline and time the scheduler raising every breach; then measure the
    scheduler's CPU while idle (a poll per second)."""
    import uuid
    from datetime import UTC, date, datetime, timedelta

    from minzheng_contracts import make_resident_id
    from minzheng_disaster.application import handlers as h
    from minzheng_disaster.application.scheduler import raise_due, run_scheduler
    from minzheng_disaster.domain.incident import Damage
    from minzheng_disaster.entrypoints.app import Disaster
    from minzheng_eventstore.clock import ManualClock

    clock = ManualClock(datetime(2026, 7, 14, 6, 0, tzinfo=UTC))
    service = Disaster(ServiceSettings("disaster", database_url, nats_url), clock=clock, scheduler=False)
    async with service.host.running(consume=False, relay=False):
        ctx = service.context()
        actor = h.Actor("bench")
        incident = await h.report_incident(
            ctx,
            actor,
            incident_id=uuid.uuid4(),
            disaster_type="flood",
            area=["330727101"],
            happened_at=clock.now() - timedelta(hours=1),
            reported_at=clock.now(),
            reporter="bench",
            summary=None,
        )
        heads = [
            make_resident_id("330727", date(1940 + n % 60, 1 + n % 12, 1 + n % 28), n % 1000).reveal()
            for n in range(households)
        ]
        heads = [f"{head}#{n}" for n, head in enumerate(heads)]  # unique household keys
        queue = list(heads)

        async def worker() -> None:
            while queue:
                head = queue.pop()
                await h.register_household(
                    ctx,
                    actor,
                    incident_id=incident,
                    head=head,
                    village="330727101201",
                    members=2,
                    relocation=0,
                    damage=Damage.LIGHT,
                    needs={},
                )

        t = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(16)))
        registered = time.perf_counter() - t
        clock.advance(timedelta(hours=25))
        t = time.perf_counter()
        raised = await raise_due(ctx, batch=1000)
        breaches = time.perf_counter() - t
        stop = asyncio.Event()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        task = asyncio.create_task(run_scheduler(ctx, stop, interval=1.0))
        await asyncio.sleep(idle_seconds)
        stop.set()
        await task
        idle_cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return {
        "households": households,
        "register_s": registered,
        "raised": raised,
        "breaches_s": breaches,
        "idle_cpu_share": idle_cpu,
    }
