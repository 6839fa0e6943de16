"""The runtime rides out server restarts without a restart of its own (DESIGN §9.6, nats.py#504)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import nats
import pytest
from faststream.nats import NatsBroker

from minzheng_eventstore import (
    DurableConsumer,
    EventStore,
    Incoming,
    NewEvent,
    OutboxRelay,
    StoreUnavailableError,
    StreamNotFoundError,
    raw_event_publication,
)
from minzheng_eventstore.store import Connection


async def _eventually(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_consumer_and_relay_resume_after_nats_restart(store: EventStore, stack, test_stream) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    got: list[str] = []

    async def handle(msg: Incoming, conn: Connection) -> None:
        got.append(str(msg.event_id))

    consumer = DurableConsumer(
        store,
        service="test",
        purpose="restart",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=handle,
        fetch_timeout=0.5,
    )
    broker = NatsBroker(stack.nats_admin_url, logger=None, max_reconnect_attempts=-1, reconnect_time_wait=1)
    consumer.register(broker)
    await broker.start()
    nc = await nats.connect(stack.nats_admin_url, max_reconnect_attempts=-1, reconnect_time_wait=0.5)
    relay = OutboxRelay(store, nc.jetstream(), name="restart", publication=raw_event_publication(prefix))
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))
    ids: list[str] = []

    async def append(n: int) -> None:
        for _ in range(n):
            e = NewEvent(event_type="Applied", data={}, occurred_at=datetime.now(UTC))
            await store.append(f"household-{uuid.uuid4()}", "household", 0, [e])
            ids.append(str(e.event_id))

    try:
        await append(20)

        async def first_half() -> bool:
            return len(got) >= 20

        await _eventually(first_half)
        stack.nats.restart()
        await append(20)  # appended while NATS is coming back: the relay catches up

        async def all_in() -> bool:
            return len(set(got)) >= 40

        await _eventually(all_in)
    finally:
        stop.set()
        await relay_task
        await broker.stop()
        await nc.close()
    assert sorted(set(got)) == sorted(ids)
    assert len(got) == len(set(got))


async def test_store_recovers_after_postgres_restart(store: EventStore, stack) -> None:  # type: ignore[no-untyped-def]
    await store.append(
        "household-1",
        "household",
        0,
        [NewEvent(event_type="Applied", data={}, occurred_at=datetime.now(UTC))],
    )
    stack.postgres.restart()
    # the pooled connections died with the server: the store reconnects by itself, and because
    # appends are idempotent a retried append can never write twice
    await store.append(
        "household-1",
        "household",
        1,
        [NewEvent(event_type="Approved", data={}, occurred_at=datetime.now(UTC))],
    )
    assert [e.version for e in await store.read_stream("household-1")] == [1, 2]


async def test_append_while_postgres_is_down_fails_cleanly(store: EventStore, stack) -> None:  # type: ignore[no-untyped-def]
    stack.postgres.stop()
    try:
        with pytest.raises(StoreUnavailableError):
            await store.append(
                "household-2",
                "household",
                0,
                [NewEvent(event_type="Applied", data={}, occurred_at=datetime.now(UTC))],
            )
    finally:
        stack.postgres.start()
    with pytest.raises(StreamNotFoundError):  # nothing was half-written
        await store.read_stream("household-2")
