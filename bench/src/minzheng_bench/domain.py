"""Domain benchmarks: the 100k-household monthly payment run (assistance)."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore import OutboxRelay
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.host import ServiceSettings


def cpu_seconds(consumer_pid: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by this process, a consumer child, PostgreSQL and the NATS server
    (the embedded stack runs as children of this process): where a run's time goes."""
    import psutil

    me = psutil.Process()
    totals = {"service": sum(me.cpu_times()[:2]), "consumer": 0.0, "postgres": 0.0, "nats": 0.0}
    for child in me.children(recursive=True):
        try:
            name, cpu = child.name(), sum(child.cpu_times()[:2])
        except psutil.Error:
            continue
        if child.pid == consumer_pid:
            totals["consumer"] += cpu
        elif name.startswith("postgres"):
            totals["postgres"] += cpu
        elif name.startswith("nats"):
            totals["nats"] += cpu
    return totals


async def payment_run(
    database_url: str, consumer_database_url: str, nats_url: str, households: int
) -> dict[str, Any]:
    """Seed ``households`` approved households, then time one monthly run end to end: the appends,
    the relay publishing every ``PaymentIssued``, and another service's consumer, in a process of
    its own, having every payment in its read model. The service runs as deployed: its read-model
    projection (payments) follows the run as it goes."""
    from minzheng_assistance.adapters.publication import publication
    from minzheng_assistance.application.handlers import Actor
    from minzheng_assistance.application.payments import run_payments
    from minzheng_assistance.bulk import seed_approved_households
    from minzheng_assistance.entrypoints.app import Assistance

    service = Assistance(ServiceSettings("assistance", database_url, nats_url), clock=SystemClock())
    await service.host.migrate()
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
    assert consumer.stdout is not None
    try:
        async with service.host.running(consume=False, relay=False):
            t = time.perf_counter()
            await seed_approved_households(service.host.store, households)
            await service.projection().catch_up()
            async with service.host.store.pool.acquire() as conn:
                # a monthly run starts on a settled database, not on the set-up's dead rows and WAL
                await conn.execute("VACUUM ANALYZE")
                await conn.execute("CHECKPOINT")
            seeded = time.perf_counter() - t
            assert (await consumer.stdout.readline()).startswith(b"ready")
            # the seeded households' own events are history, published before the run: this relay
            # publishes the run's payments (the service's relay would, after those)
            relay = OutboxRelay(
                service.host.store,
                service.host.nats.jetstream(),
                name="bench-payments",
                publication=publication,
                stream_types=["payment"],
                batch_size=1000,
            )
            stop = asyncio.Event()
            marks: dict[str, float] = {}

            async def watch_relay() -> None:
                while relay.published < households:  # noqa: ASYNC110 - polling is the measurement
                    await asyncio.sleep(0.005)
                marks["published"] = time.time()

            cpu_before = cpu_seconds(consumer.pid)
            start = time.time()
            relaying = asyncio.create_task(relay.run(stop))
            watching = asyncio.create_task(watch_relay())
            result = await run_payments(service.context(), Actor("bench"), Period(2026, 3))
            appended = time.time()
            line = await asyncio.wait_for(consumer.stdout.readline(), 900)
            seen = float(line.split()[1])
            cpu_after = cpu_seconds(consumer.pid)
            await watching
            stop.set()
            await relaying
    finally:
        if consumer.returncode is None:
            consumer.kill()
        await consumer.wait()
    return {
        "households": households,
        "paid": result.paid,
        "seed_s": seeded,
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
