"""Domain benchmarks: the 100k-household monthly payment run (assistance)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.host import ServiceSettings

from .timed_run import time_run


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
    async with service.host.running(consume=False, relay=False):
        result, marks = await time_run(
            service.host.store,
            service="assistance",
            database_url=database_url,
            consumer_database_url=consumer_database_url,
            nats_url=nats_url,
            count=households,
            run=lambda: run_payments(service.context(), Actor("bench"), period),
        )
    return {"households": households, "paid": result.paid, **marks}


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
