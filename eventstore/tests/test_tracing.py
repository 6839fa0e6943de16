"""One case is one trace: HTTP span → stored event → relay → NATS header → consumer span."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from faststream.nats import NatsBroker
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from minzheng_eventstore import (
    DurableConsumer,
    EventStore,
    Incoming,
    NewEvent,
    OutboxRelay,
    raw_event_publication,
)
from minzheng_eventstore.store import Connection


async def test_trace_continues_from_command_to_consumer(
    store: EventStore, stack, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    trace.set_tracer_provider(TracerProvider())
    stream, prefix = test_stream
    with trace.get_tracer("test").start_as_current_span("POST /households") as span:
        command_trace = span.get_span_context().trace_id
        await store.append(
            "household-1",
            "household",
            0,
            [NewEvent(event_type="Applied", data={}, occurred_at=datetime.now(UTC))],
        )
    stored = (await store.read_stream("household-1"))[0]
    assert stored.traceparent is not None and f"{command_trace:032x}" in stored.traceparent

    relay = OutboxRelay(
        store, nats_admin.jetstream(), name="trace", publication=raw_event_publication(prefix)
    )
    assert await relay.run_once() == 1

    seen: list[int] = []

    async def handle(msg: Incoming, conn: Connection) -> None:
        seen.append(trace.get_current_span().get_span_context().trace_id)

    consumer = DurableConsumer(
        store,
        service="test",
        purpose="trace",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=handle,
    )
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    consumer.register(broker)
    await broker.start()
    try:
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.05)
    finally:
        await broker.stop()
    assert seen == [command_trace]
