"""The hot paths' metrics move by what happened, on the real PostgreSQL and NATS: one append-latency
observation per append on its own connection and per unit of work that appended (none for one that
only read), the relay's acknowledged publications, a consumer's applied messages, its redeliveries
(a message nak'ed once comes back with ``num_delivered`` 2) and its dead letters. Each labelled by
the service."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from faststream.nats import NatsBroker

from minzheng_eventstore import (
    DurableConsumer,
    EventStore,
    Incoming,
    NewEvent,
    OutboxRelay,
    raw_event_publication,
)
from minzheng_eventstore.builder import Actor, EventBuilder
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.consumer import PermanentError
from minzheng_eventstore.metrics import REGISTRY
from minzheng_eventstore.store import Connection
from minzheng_eventstore.uow import UnitOfWork, run_unit

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def event(n: int) -> list[NewEvent]:
    return [NewEvent(event_type="Noted", data={"n": n}, occurred_at=NOW)]


async def test_append_latency_is_observed_once_per_append_and_per_unit_that_appended(
    store: EventStore,
) -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    mine = EventStore(store.pool, service=service)
    builder = EventBuilder(SystemClock(), Actor("tester"))
    count = "mz_append_seconds_count"
    assert sample(count, service=service) == 0

    await mine.append("case-1", "case", 0, event(1))
    assert sample(count, service=service) == 1

    async def two_appends(uow: UnitOfWork) -> None:
        await uow.append("case-2", "case", event(2))
        await uow.append("case-3", "case", event(3))

    await run_unit(mine, two_appends, builder=builder)
    assert sample(count, service=service) == 2  # one unit of work, one observation (append + commit)

    async def only_reads(uow: UnitOfWork) -> None:
        await mine.read_stream("case-1", conn=uow.conn)

    await run_unit(mine, only_reads, builder=builder)
    async with mine.pool.acquire() as conn, conn.transaction():  # the caller's transaction: not ours to time
        await mine.append("case-4", "case", 0, event(4), conn=conn)
    assert sample(count, service=service) == 2
    await mine.create_streams_once("case", [("case-5", event(5)), ("case-6", event(6))])
    assert sample(count, service=service) == 3
    assert 0 < sample("mz_append_seconds_sum", service=service) < 30
    assert sample("mz_append_seconds_bucket", service=service, le="+Inf") == 3


async def test_the_relay_counts_what_jetstream_acknowledged(
    store: EventStore, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    service = f"svc-{uuid.uuid4().hex[:8]}"
    _, prefix = test_stream
    for n in range(3):
        await store.append(f"case-{n}", "case", 0, event(n))
    relay = OutboxRelay(
        store, nats_admin.jetstream(), name=f"{service}-outbox", publication=raw_event_publication(prefix)
    )
    assert relay.service == service  # the producer, from the relay's name unless given
    assert await relay.run_once() == 3
    assert sample("mz_relay_published_events_total", service=service) == 3
    assert await relay.run_once() == 0
    assert sample("mz_relay_published_events_total", service=service) == 3


async def test_a_consumer_counts_applied_redelivered_and_dead_lettered_messages(
    store: EventStore, stack, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    service = f"svc-{uuid.uuid4().hex[:8]}"
    stream, prefix = test_stream
    js = nats_admin.jetstream()
    failing, poisoned, fine = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    attempts: dict[uuid.UUID, int] = {}

    async def handle(msg: Incoming, conn: Connection) -> None:
        attempts[msg.event_id] = attempts.get(msg.event_id, 0) + 1
        if msg.event_id == poisoned:
            raise PermanentError("not a contract")
        if msg.event_id == failing and msg.deliveries == 1:
            raise RuntimeError("the read model was locked")  # a transient failure: nak, then again

    consumer = DurableConsumer(
        store,
        service=service,
        purpose="instr",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=handle,
        backoff=(0.2,),
    )
    labels = {"service": service, "consumer": consumer.name}
    for event_id in (failing, poisoned, fine):
        await js.publish(f"{prefix}.case", b"{}", headers={"Nats-Msg-Id": str(event_id)})
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    consumer.register(broker)
    await broker.start()
    try:
        for _ in range(200):
            if consumer.applied == 2 and consumer.dead_lettered == 1:
                break
            await asyncio.sleep(0.05)
    finally:
        await broker.stop()
    assert attempts.get(failing) == 3, attempts  # in the batch, alone, and once redelivered
    assert sample("mz_consumer_applied_messages_total", **labels) == 2
    assert sample("mz_consumer_redeliveries_total", **labels) == 1
    assert sample("mz_consumer_dead_letters_total", **labels) == 1
