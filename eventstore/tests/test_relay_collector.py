"""The relay builds a page's messages with the cycle collector paused, and leaves it as it was."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

from minzheng_eventstore import EventStore, NewEvent, OutboxRelay, RecordedEvent, raw_event_publication
from minzheng_eventstore.relay import OutgoingMessage


async def test_messages_are_built_with_the_collector_paused(  # type: ignore[no-untyped-def]
    store: EventStore, nats_admin, test_stream
) -> None:
    _, prefix = test_stream
    raw = raw_event_publication(prefix)
    seen: list[bool] = []

    def publication(event: RecordedEvent) -> OutgoingMessage:
        seen.append(gc.isenabled())
        return raw(event)

    for n in range(3):
        event = NewEvent(event_type="Applied", data={"n": n}, occurred_at=datetime(2026, 3, 1, tzinfo=UTC))
        await store.append(f"household-{n}", "household", 0, [event])
    relay = OutboxRelay(store, nats_admin.jetstream(), name="gc", publication=publication)
    assert gc.isenabled()
    assert await relay.run_once() == 3
    assert seen == [False, False, False]
    assert gc.isenabled()
    gc.disable()  # off before: left off
    try:
        event = NewEvent(event_type="Applied", data={"n": 9}, occurred_at=datetime(2026, 3, 1, tzinfo=UTC))
        await store.append("household-9", "household", 0, [event])
        assert await relay.run_once() == 1
        assert not gc.isenabled()
    finally:
        gc.enable()
