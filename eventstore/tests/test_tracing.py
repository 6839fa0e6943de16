"""One case is one trace: HTTP span → stored event → relay → NATS header → consumer span."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from faststream.nats import NatsBroker
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from minzheng_eventstore import (
    DurableConsumer,
    EventStore,
    Incoming,
    NewEvent,
    OutboxRelay,
    raw_event_publication,
)
from minzheng_eventstore.observability import format_traceparent
from minzheng_eventstore.store import Connection

NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def _consume_until(consumer: DurableConsumer, nats_url: str, done: Callable[[], bool]) -> None:
    """Run ``consumer`` on a broker of its own until ``done()`` (10 s at most), then stop it."""
    broker = NatsBroker(nats_url, logger=None)
    consumer.register(broker)
    await broker.start()
    try:
        for _ in range(200):
            if done():
                break
            await asyncio.sleep(0.05)
    finally:
        await broker.stop()


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
    await _consume_until(consumer, stack.nats_admin_url, lambda: bool(seen))
    assert seen == [command_trace]


@pytest.fixture
def finished() -> Iterator[InMemorySpanExporter]:
    """The spans this test ends, from the process's SDK provider (installed once per process)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    yield exporter
    exporter.shutdown()  # the processor stays (a provider cannot drop one), its exporter takes no more


def _one(spans: list[ReadableSpan], name: str) -> ReadableSpan:
    [span] = [s for s in spans if s.name == name]
    return span


async def test_publish_and_process_spans_link_the_command_to_the_next_hop(
    store: EventStore, stack, nats_admin, test_stream, finished: InMemorySpanExporter
) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("POST /cases"):
        await store.append("case-1", "case", 0, [NewEvent(event_type="Opened", data={}, occurred_at=NOW)])
    relay = OutboxRelay(
        store, nats_admin.jetstream(), name="tracing-outbox", publication=raw_event_publication(prefix)
    )
    assert await relay.run_once() == 1
    spans = list(finished.get_finished_spans())
    command, append = _one(spans, "POST /cases"), _one(spans, "append case")
    subject = f"{prefix}.case.opened"
    publish = _one(spans, f"{subject} publish")
    assert append.parent is not None and append.parent.span_id == command.context.span_id
    assert publish.parent is not None and publish.parent.span_id == append.context.span_id
    assert publish.context.trace_id == command.context.trace_id and publish.kind is SpanKind.PRODUCER
    stored = (await store.read_stream("case-1"))[0]
    assert publish.attributes is not None and dict(publish.attributes) == {
        "messaging.system": "nats",
        "messaging.operation.type": "send",
        "messaging.destination.name": subject,
        "messaging.message.id": str(stored.event_id),
        "minzheng.event_type": "Opened",
        "minzheng.service": "tracing",
    }
    # what went on the wire is the message's creation context: the trace stored with the event
    # (OpenTelemetry's messaging convention), so the consumer continues the case's trace whatever
    # else the relay's page held
    sent = await nats_admin.jetstream().get_last_msg(stream, subject)
    assert sent.headers["traceparent"] == stored.traceparent == format_traceparent(append.context)

    async def handle(msg: Incoming, conn: Connection) -> None:
        await store.append(
            "reaction-1", "reaction", 0, [NewEvent(event_type="Reacted", data={}, occurred_at=NOW)], conn=conn
        )

    consumer = DurableConsumer(
        store,
        service="tracing",
        purpose="spans",
        version=1,
        stream=stream,
        subject=f"{prefix}.case.>",
        handler=handle,
    )
    await _consume_until(consumer, stack.nats_admin_url, lambda: consumer.applied > 0)
    spans = list(finished.get_finished_spans())
    process = _one(spans, f"{subject} process")
    assert process.kind is SpanKind.CONSUMER
    assert process.parent is not None and process.parent.span_id == append.context.span_id
    assert process.context.trace_id == command.context.trace_id
    attributes = dict(process.attributes or {})
    assert attributes["messaging.message.id"] == str(stored.event_id)
    assert attributes["messaging.destination.name"] == subject
    assert attributes["minzheng.consumer"] == "tracing-spans-v1"
    assert attributes["minzheng.event_type"] == "Opened"
    assert attributes["minzheng.delivery_count"] == 1 and attributes["minzheng.stream_sequence"] == sent.seq
    reaction_append = _one(spans, "append reaction")
    assert reaction_append.parent is not None and reaction_append.parent.span_id == process.context.span_id
    reacted = (await store.read_stream("reaction-1"))[0]
    assert reacted.traceparent == format_traceparent(reaction_append.context)  # the next hop continues it


async def test_a_page_of_several_traces_shares_one_publish_span_linked_to_each(
    store: EventStore, nats_admin, test_stream, finished: InMemorySpanExporter
) -> None:  # type: ignore[no-untyped-def]
    """One publish span per subject and page (a batch send): the child of the events' one trace
    when they share it (a payment run's page), else a trace of its own linked to each of theirs;
    each message carries its own event's trace, so every case stays one trace."""
    stream, prefix = test_stream
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("POST /payment-runs") as run:
        await store.create_streams_once(
            "payment",
            [
                (f"payment-{n}", [NewEvent(event_type="Issued", data={"n": n}, occurred_at=NOW)])
                for n in range(3)
            ],
        )
    relay = OutboxRelay(
        store, nats_admin.jetstream(), name="bulk-outbox", publication=raw_event_publication(prefix)
    )
    assert await relay.run_once() == 3
    subject = f"{prefix}.payment.issued"
    [bulk] = [s for s in finished.get_finished_spans() if s.name == f"{subject} publish"]
    assert (bulk.attributes or {})["messaging.batch.message_count"] == 3
    assert "messaging.message.id" not in (bulk.attributes or {})
    assert bulk.context.trace_id == run.get_span_context().trace_id and not bulk.links

    with tracer.start_as_current_span("POST /cases") as first:
        await store.append("case-8", "payment", 0, [NewEvent(event_type="Issued", data={}, occurred_at=NOW)])
    with tracer.start_as_current_span("POST /cases") as second:
        await store.append("case-9", "payment", 0, [NewEvent(event_type="Issued", data={}, occurred_at=NOW)])
    assert await relay.run_once() == 2
    [shared] = [s for s in finished.get_finished_spans() if s.name == f"{subject} publish" and s is not bulk]
    assert shared.parent is None and (shared.attributes or {})["messaging.batch.message_count"] == 2
    linked = {link.context.trace_id for link in shared.links}
    assert linked == {first.get_span_context().trace_id, second.get_span_context().trace_id}
    js = nats_admin.jetstream()
    sent = [await js.get_msg(stream, seq) for seq in range(1, 6)]
    events = [
        (await store.read_stream(s))[0] for s in ("payment-0", "payment-1", "payment-2", "case-8", "case-9")
    ]
    by_id = {m.headers["Nats-Msg-Id"]: m.headers["traceparent"] for m in sent}
    assert [by_id[str(e.event_id)] for e in events] == [e.traceparent for e in events]


async def test_a_batch_handler_gets_one_process_span_linked_to_each_message(
    store: EventStore, stack, nats_admin, test_stream, finished: InMemorySpanExporter
) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    js = nats_admin.jetstream()
    parents = [f"00-{n:032x}-{n:016x}-01" for n in (1, 2)]
    for parent in parents:
        await js.publish(
            f"{prefix}.x", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4()), "traceparent": parent}
        )
    seen: list[int] = []

    async def one(msg: Incoming, conn: Connection) -> None:
        raise AssertionError("the batch handler takes them")

    async def many(items: list[Incoming], conn: Connection) -> None:
        seen.append(len(items))

    consumer = DurableConsumer(
        store,
        service="tracing",
        purpose="batch",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=one,
        batch_handler=many,
    )
    await _consume_until(consumer, stack.nats_admin_url, lambda: sum(seen) == 2)
    processed = [s for s in finished.get_finished_spans() if s.name == f"{prefix}.> process"]
    assert processed and all(s.kind is SpanKind.CONSUMER and s.parent is None for s in processed)
    linked = sorted(format_traceparent(link.context) for s in processed for link in s.links)
    assert linked == parents  # each message's producer span, linked (a batch has no one parent)
    assert sum((s.attributes or {})["messaging.batch.message_count"] for s in processed) == 2  # type: ignore[misc]


async def test_a_callers_traceparent_is_continued_by_the_http_span(
    finished: InMemorySpanExporter,
) -> None:
    """A provincial system (or the console) that sends a W3C ``traceparent`` sees the service's
    request span in its own trace; a malformed one starts a new trace."""
    import httpx

    from minzheng_eventstore.host import ServiceHost, ServiceSettings

    host = ServiceHost(
        ServiceSettings("traced", "postgresql://unused/x", "nats://unused:4222"), publication=None
    )
    app = host.fastapi(title="t", routers=[])  # no lifespan under ASGITransport: nothing connects
    caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/health", headers={"traceparent": caller})).status_code == 200
        assert (await http.get("/health", headers={"traceparent": "00-zz-yy-01"})).status_code == 200
    # one span per request: ours (FastAPI's own telemetry is off)
    assert [s.instrumentation_scope.name for s in finished.get_finished_spans()] == ["minzheng.http"] * 2
    continued, fresh = finished.get_finished_spans()
    assert continued.kind == SpanKind.SERVER
    assert continued.context.trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    assert continued.parent is not None and continued.parent.span_id == 0xB7AD6B7169203331
    assert fresh.parent is None and fresh.context.trace_id != continued.context.trace_id
