"""``republish`` on the real stack: 10,000 events a durable consumer (inbox + counting read model)
already handled are published again, with the same ``Nats-Msg-Id``, twice: inside JetStream's
duplicate window (dropped by the broker) and after the stream was purged (stored again, dropped by
the consumer's inbox): no doubled effect, counted. A consumer created after the purge missed them
all: the same republication has each of them handled by it exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from faststream.nats import NatsBroker

from minzheng_eventstore import DurableConsumer, EventStore, Incoming, NewEvent, OutboxRelay
from minzheng_eventstore.relay import raw_event_publication
from minzheng_eventstore.republish import Range, events_in, republish
from minzheng_eventstore.store import Connection

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EVENTS = 10_000


async def wait_for(predicate: Callable[[], Awaitable[bool]], timeout: float = 120.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def _fill(store: EventStore) -> None:
    for s in range(100):
        await store.append(
            f"household-{s}",
            "household",
            0,
            [NewEvent(event_type="Noted", data={"n": i}, occurred_at=NOW) for i in range(EVENTS // 100)],
        )


def _counting(store: EventStore, table: str, stream: str, subject: str, purpose: str) -> DurableConsumer:
    async def handle(msg: Incoming, conn: Connection) -> None:
        await conn.execute(
            f"INSERT INTO {table} (event_id, n) VALUES ($1, 1) "
            f"ON CONFLICT (event_id) DO UPDATE SET n = {table}.n + 1",
            msg.event_id,
        )

    return DurableConsumer(
        store,
        service="province",
        purpose=purpose,
        version=1,
        stream=stream,
        subject=subject,
        handler=handle,
        batch_size=200,
    )


async def _counts(store: EventStore, table: str) -> tuple[int, int]:
    """(rows, sum of effects): equal when no event had its effect twice."""
    async with store.pool.acquire() as conn:
        row = await conn.fetchrow(f"SELECT count(*), coalesce(sum(n), 0) FROM {table}")
    return int(row[0]), int(row[1])


async def _window_passed(js: Any, subject: str) -> None:
    """Wait until JetStream's duplicate window has passed over every id published so far: a
    canary published now, then again with the same id until it is stored anew."""
    canary = str(uuid.uuid4())
    await js.publish(subject, b"{}", headers={"Nats-Msg-Id": canary})

    async def stored_again() -> bool:
        ack = await js.publish(subject, b"{}", headers={"Nats-Msg-Id": canary})
        return not ack.duplicate

    await wait_for(stored_again, timeout=60)


@pytest.mark.timeout(600)
async def test_republishing_10000_handled_events_doubles_nothing_and_serves_one_that_missed_them(
    store: EventStore, stack: Any, nats_admin: Any, test_stream: tuple[str, str]
) -> None:
    stream, prefix = test_stream
    publication = raw_event_publication(prefix)
    js = nats_admin.jetstream()
    async with store.pool.acquire() as conn:
        for table in ("effects_early", "effects_late"):
            await conn.execute(f"CREATE TABLE {table} (event_id uuid PRIMARY KEY, n int NOT NULL)")
    await _fill(store)
    relay = OutboxRelay(store, js, name="republish-test", publication=publication)
    assert await relay.drain(within=120)

    early = _counting(store, "effects_early", stream, f"{prefix}.household.>", "early")
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    early.register(broker)
    await broker.start()
    brokers = [broker]
    try:

        async def handled_by(
            consumer: DurableConsumer, table: str, total: int
        ) -> Callable[[], Awaitable[bool]]:
            async def settled() -> bool:
                info = await js.consumer_info(stream, consumer.name)
                rows, _ = await _counts(store, table)
                return rows >= total and info.num_pending == 0 and info.num_ack_pending == 0

            return settled

        await wait_for(await handled_by(early, "effects_early", EVENTS))
        assert await _counts(store, "effects_early") == (EVENTS, EVENTS)

        everything = Range(from_position=1)
        # 1. inside the duplicate window: JetStream drops every one (same Nats-Msg-Id)
        report = await republish(store, js, publication, everything)
        assert (report.events, report.published, report.duplicates, report.failed) == (
            EVENTS,
            EVENTS,
            EVENTS,
            0,
        )
        # 2. later (beyond the window: shortened to 1 s here) and the stream purged, as when a
        # provincial system lost them: stored again, dropped by the inbox
        await js.update_stream(name=stream, subjects=[f"{prefix}.>"], duplicate_window=1.0)
        await js.purge_stream(stream)
        await _window_passed(js, f"{prefix}.canary")
        await js.purge_stream(stream)
        late = _counting(store, "effects_late", stream, f"{prefix}.household.>", "late")
        late_broker = NatsBroker(stack.nats_admin_url, logger=None)
        late.register(late_broker)
        await late_broker.start()
        brokers.append(late_broker)
        report = await republish(store, js, publication, everything)
        assert report.published == EVENTS and report.failed == 0
        stored = (await js.stream_info(stream)).state.messages
        assert stored == EVENTS - report.duplicates
        assert stored == EVENTS, f"the purge kept JetStream's duplicate ids: {report.duplicates} dropped"
        await wait_for(await handled_by(early, "effects_early", EVENTS))
        await wait_for(await handled_by(late, "effects_late", stored))
        assert await _counts(store, "effects_early") == (EVENTS, EVENTS)  # nothing doubled
        assert early.duplicates >= EVENTS  # the inbox dropped every repeat
        # 3. the one created after the purge had each of them once
        assert await _counts(store, "effects_late") == (stored, stored)
        # 4. and again: nothing doubles for either
        await republish(store, js, publication, everything)
        await wait_for(await handled_by(late, "effects_late", stored))
        assert await _counts(store, "effects_late") == (stored, stored)
        assert await _counts(store, "effects_early") == (EVENTS, EVENTS)
    finally:
        for b in brokers:
            await b.stop()


async def test_a_range_by_position_time_or_stream(store: EventStore) -> None:
    await _fill(store)
    first = await events_in(store, Range(stream="household-3"), limit=EVENTS)
    assert [e.version for e in first] == list(range(1, 101))
    lo, hi = first[10].position, first[19].position
    between = await events_in(store, Range(from_position=lo, to_position=hi), limit=EVENTS)
    assert [e.position for e in between] == list(range(lo, hi + 1))
    recorded = first[0].recorded_at
    assert len(await events_in(store, Range(until=recorded), limit=EVENTS)) < EVENTS
    assert len(await events_in(store, Range(since=recorded, stream="household-3"), limit=EVENTS)) == 100
    with pytest.raises(ValueError, match="give a range"):
        Range()
