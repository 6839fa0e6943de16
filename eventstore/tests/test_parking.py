"""Publication that never stops: an event the relay cannot publish is parked, the relay goes on,
and a re-drive publishes it once the cause is fixed; what cannot be published is refused before
it commits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from minzheng_eventstore import EventStore, NewEvent, OutboxRelay, RecordedEvent, raw_event_publication
from minzheng_eventstore.errors import UnpublishableEventError
from minzheng_eventstore.relay import OutgoingMessage, parked_count, publication_check

from .test_relay import stream_contents

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def event(kind: str, **data: Any) -> NewEvent:
    return NewEvent(event_type=kind, data=data, occurred_at=NOW)


async def drain(relay: OutboxRelay) -> None:
    assert await relay.drain(within=30)


async def test_an_oversized_event_is_parked_and_the_events_after_it_are_published(
    store: EventStore, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    limit = nats_admin.max_payload
    await store.append("case-1", "case", 0, [event("Opened", n=1)])
    big = event("Noted", text="x" * (limit + 10))  # forced into the store: no publication check here
    await store.append("case-1", "case", 1, [big])
    after = [event("Closed", n=3)]
    await store.append("case-1", "case", 2, after)
    relay = OutboxRelay(
        store, nats_admin.jetstream(), name="r", publication=raw_event_publication(prefix), max_payload=limit
    )
    await drain(relay)
    published = await stream_contents(nats_admin, stream, f"{prefix}.>")
    assert [m["event_type"] for m in published] == ["Opened", "Closed"]
    assert await parked_count(store, "r") == 1
    async with store.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT event_id, event_type, reason FROM outbox_parked WHERE relay = 'r'")
    assert row["event_id"] == big.event_id and row["event_type"] == "Noted"
    assert "over the broker's limit" in row["reason"]
    # still too large: a re-drive leaves it parked
    assert await relay.redrive_parked() == (0, 1)
    assert await parked_count(store, "r") == 1


async def test_a_poison_event_is_parked_with_its_reason_and_redriven_after_the_fix(
    store: EventStore, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    raw = raw_event_publication(prefix)
    fixed = False

    def publication(e: RecordedEvent) -> OutgoingMessage | None:
        if e.event_type == "Applied" and not fixed:
            next(m for m in e.data["members"] if m["relationship"] == "self")  # StopIteration
        return raw(e)

    for n in range(3):
        await store.append(
            f"h-{n}", "household", 0, [event("Applied", members=[] if n == 1 else [{"relationship": "self"}])]
        )
    relay = OutboxRelay(store, nats_admin.jetstream(), name="r", publication=publication)
    await drain(relay)
    published = await stream_contents(nats_admin, stream, f"{prefix}.>")
    assert sorted(m["stream_id"] for m in published) == ["h-0", "h-2"]
    async with store.pool.acquire() as conn:
        reason = await conn.fetchval("SELECT reason FROM outbox_parked")
    assert "StopIteration" in reason
    # a later event still flows
    await store.append("h-3", "household", 0, [event("Applied", members=[{"relationship": "self"}])])
    await drain(relay)
    assert len(await stream_contents(nats_admin, stream, f"{prefix}.>")) == 3
    fixed = True
    assert await relay.redrive_parked() == (1, 0)
    assert await parked_count(store, "r") == 0
    published = await stream_contents(nats_admin, stream, f"{prefix}.>")
    assert sorted(m["stream_id"] for m in published) == ["h-0", "h-1", "h-2", "h-3"]
    assert await relay.redrive_parked() == (0, 0)  # nothing open: nothing published twice


async def test_an_event_that_cannot_be_published_is_refused_before_it_commits(store: EventStore) -> None:
    def publication(e: RecordedEvent) -> OutgoingMessage | None:
        if e.event_type == "Internal":
            return None
        return OutgoingMessage("x.y", json.dumps({"members": e.data["members"]}).encode())

    store.publication_check = publication_check(publication, max_payload=10_000)
    await store.append("s-1", "s", 0, [event("Internal", anything=1)])
    with pytest.raises(UnpublishableEventError) as missing:
        await store.append("s-2", "s", 0, [event("Applied", nobody=[])])
    assert missing.value.field == "members"
    with pytest.raises(UnpublishableEventError, match="over the broker's limit"):
        await store.append("s-3", "s", 0, [event("Applied", members=["m" * 20_000])])
    with pytest.raises(UnpublishableEventError):
        await store.create_streams_once("s", [("s-4", [event("Applied", nobody=1)])])
    async with store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events") == 1


def test_a_parked_reason_names_fields_and_rules_but_never_the_value() -> None:
    from pydantic import BaseModel, Field, ValidationError

    from minzheng_eventstore.relay import describe_failure

    class Person(BaseModel):
        resident_id: str = Field(pattern=r"^\d{17}[\dX]$")

    with pytest.raises(ValidationError) as refused:
        Person(resident_id="33072719800101001Y")
    reason, field = describe_failure(refused.value)
    assert field == "resident_id"
    assert "resident_id" in reason and "33072719800101001Y" not in reason
