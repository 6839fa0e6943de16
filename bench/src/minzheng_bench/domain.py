"""Domain benchmarks: the 100k-household monthly payment run (assistance)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from faststream.nats import NatsBroker

from minzheng_contracts import Period
from minzheng_eventstore import DurableConsumer, Incoming
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.store import Connection


async def payment_run(database_url: str, nats_url: str, households: int) -> dict[str, Any]:
    """Seed ``households`` approved households, then time one monthly run end to end: the appends,
    the relay publishing every ``PaymentIssued``, and a consumer in another host seeing the last one."""
    from minzheng_assistance.application.handlers import Actor
    from minzheng_assistance.application.payments import run_payments
    from minzheng_assistance.bulk import seed_approved_households
    from minzheng_assistance.entrypoints.app import Assistance

    service = Assistance(ServiceSettings("assistance", database_url, nats_url), clock=SystemClock())
    await service.host.migrate()
    async with service.host.running(consume=False, relay=False):
        t = time.perf_counter()
        await seed_approved_households(service.host.store, households)
        await service.projection().catch_up()
        seeded = time.perf_counter() - t
        seen = 0
        last = asyncio.Event()
        period = Period(2026, 3)
        relay_done = asyncio.Event()

        async def handle(msg: Incoming, conn: Connection) -> None:
            nonlocal seen
            seen += 1
            if seen >= households:
                last.set()

        async def handle_many(items: list[Incoming], conn: Connection) -> None:
            nonlocal seen
            seen += len(items)
            if seen >= households:
                last.set()

        consumer = DurableConsumer(
            service.host.store,
            service="bench",
            purpose=f"payments{time.monotonic_ns()}",
            version=1,
            stream="ASSISTANCE",
            subject="assistance.payment.issued",
            handler=handle,
            batch_handler=handle_many,
            batch_size=1000,
        )
        broker = NatsBroker(nats_url, logger=None)
        consumer.register(broker)
        await broker.start()
        from minzheng_assistance.adapters.publication import publication
        from minzheng_eventstore import OutboxRelay

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

        async def relay_loop() -> None:
            while not stop.is_set():
                moved = await relay.run_once()
                if relay.published >= households and "published" not in marks:
                    marks["published"] = time.perf_counter()
                    relay_done.set()
                if not moved:
                    await asyncio.sleep(0.01)

        start = time.perf_counter()
        relaying = asyncio.create_task(relay_loop())
        result = await run_payments(service.context(), Actor("bench"), period)
        appended = time.perf_counter()
        await asyncio.wait_for(relay_done.wait(), 600)
        await asyncio.wait_for(last.wait(), 600)
        consumed = time.perf_counter()
        stop.set()
        await relaying
        await broker.stop()
    return {
        "households": households,
        "paid": result.paid,
        "seed_s": seeded,
        "append_s": appended - start,
        "publish_s": marks["published"] - start,
        "end_to_end_s": consumed - start,
    }
