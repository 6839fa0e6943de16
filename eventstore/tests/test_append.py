"""Append: expected version, idempotency by event id, typed errors, nothing half-written."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pydantic
import pytest

from minzheng_eventstore import (
    ANY_VERSION,
    ConcurrencyError,
    EventIdConflictError,
    EventMetadata,
    EventStore,
    InvalidEventError,
    NewEvent,
    StreamNotFoundError,
)

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def ev(kind: str = "HouseholdApplied", **data: object) -> NewEvent:
    return NewEvent(event_type=kind, data=dict(data) or {"members": 3}, occurred_at=NOW)


async def count(store: EventStore) -> int:
    async with store.pool.acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM events"))


async def test_append_then_read_back_with_metadata(store: EventStore) -> None:
    correlation, cause = uuid.uuid4(), uuid.uuid4()
    meta = EventMetadata(
        correlation_id=correlation,
        causation_id=cause,
        actor="official-7",
        jurisdiction="330727",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    first = NewEvent(
        event_type="HouseholdApplied", data={"名": "张三", "members": 3}, occurred_at=NOW, metadata=meta
    )
    result = await store.append("household-1", "household", 0, [first, ev("InvestigationRecorded")])
    assert (result.first_version, result.last_version, result.duplicate) == (1, 2, False)
    assert len(result.positions) == 2 and result.positions[0] < result.positions[1]

    events = await store.read_stream("household-1")
    assert [e.version for e in events] == [1, 2]
    got = events[0]
    assert got.event_id == first.event_id and got.event_type == "HouseholdApplied" and got.schema_version == 1
    assert got.data == {"名": "张三", "members": 3}
    assert got.occurred_at == NOW and got.recorded_at.tzinfo is not None
    assert (got.correlation_id, got.causation_id, got.actor, got.jurisdiction) == (
        correlation,
        cause,
        "official-7",
        "330727",
    )
    assert got.traceparent == meta.traceparent
    assert await store.stream_version("household-1") == 2
    assert [e.version for e in await store.read_stream("household-1", from_version=2)] == [2]


async def test_wrong_expected_version_is_a_typed_error_and_writes_nothing(store: EventStore) -> None:
    await store.append("household-2", "household", 0, [ev()])
    with pytest.raises(ConcurrencyError) as err:
        await store.append("household-2", "household", 0, [ev("Other")])
    assert (err.value.expected, err.value.actual) == (0, 1)
    with pytest.raises(ConcurrencyError):
        await store.append("household-2", "household", 5, [ev("Other")])
    assert await count(store) == 1


async def test_expected_version_on_a_missing_stream(store: EventStore) -> None:
    with pytest.raises(StreamNotFoundError):
        await store.append("household-missing", "household", 3, [ev()])
    with pytest.raises(StreamNotFoundError):
        await store.read_stream("household-missing")
    assert await count(store) == 0


async def test_concurrent_writers_on_one_stream_exactly_one_wins(store: EventStore) -> None:
    await store.append("household-3", "household", 0, [ev()])
    results = await asyncio.gather(
        *(store.append("household-3", "household", 1, [ev(f"Decision{i}")]) for i in range(16)),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(e, ConcurrencyError) for e in losers)
    assert [e.version for e in await store.read_stream("household-3")] == [1, 2]


async def test_any_version_appends_at_the_end(store: EventStore) -> None:
    await store.append("log-1", "log", ANY_VERSION, [ev()])
    result = await store.append("log-1", "log", ANY_VERSION, [ev(), ev()])
    assert (result.first_version, result.last_version) == (2, 3)


async def test_resending_the_same_events_is_idempotent(store: EventStore) -> None:
    batch = [ev(), ev("InvestigationRecorded")]
    original = await store.append("household-4", "household", 0, batch)
    again = await store.append("household-4", "household", 0, batch)
    assert again.duplicate and again.positions == original.positions
    assert (again.first_version, again.last_version) == (1, 2)
    # also when the stream has moved on since, and concurrently
    await store.append("household-4", "household", 2, [ev("Approved")])
    retries = await asyncio.gather(*(store.append("household-4", "household", 0, batch) for _ in range(8)))
    assert all(r.duplicate and r.positions == original.positions for r in retries)
    assert await count(store) == 3


async def test_concurrent_first_sends_of_one_command_write_once(store: EventStore) -> None:
    batch = [ev()]
    results = await asyncio.gather(*(store.append("household-5", "household", 0, batch) for _ in range(8)))
    assert sum(not r.duplicate for r in results) == 1
    assert len({r.positions for r in results}) == 1
    assert await count(store) == 1


async def test_reusing_an_event_id_for_other_content_is_refused(store: EventStore) -> None:
    first = ev()
    await store.append("household-6", "household", 0, [first])
    forged = NewEvent(
        event_id=first.event_id, event_type="HouseholdApplied", data={"members": 9}, occurred_at=NOW
    )
    with pytest.raises(EventIdConflictError):
        await store.append("household-6", "household", 0, [forged])
    with pytest.raises(EventIdConflictError):
        await store.append("household-7", "household", 0, [first])
    assert await count(store) == 1


@pytest.mark.parametrize(
    ("stream_id", "stream_type", "expected", "make_events"),
    [
        ("", "household", 0, lambda: [ev()]),
        ("has space", "household", 0, lambda: [ev()]),
        ("household-8", "bad type!", 0, lambda: [ev()]),
        ("household-8", "household", -2, lambda: [ev()]),
        ("household-8", "household", 0, lambda: []),
        ("household-8", "household", 0, lambda: [{"event_type": "X"}]),
    ],
)
async def test_malformed_appends_are_refused(
    store: EventStore, stream_id, stream_type, expected, make_events
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidEventError):
        await store.append(stream_id, stream_type, expected, make_events())
    assert await count(store) == 0


async def test_a_bad_event_in_a_batch_writes_none_of_it(store: EventStore) -> None:
    good = ev()
    bad = NewEvent(event_type="X", data={"when": datetime.now(UTC)}, occurred_at=NOW)  # not JSON
    with pytest.raises(InvalidEventError):
        await store.append("household-9", "household", 0, [good, bad])
    twice = [good, good]
    with pytest.raises(InvalidEventError):
        await store.append("household-9", "household", 0, twice)
    assert await count(store) == 0


def test_events_are_validated_at_construction() -> None:
    with pytest.raises(pydantic.ValidationError, match="timezone-aware"):
        NewEvent(event_type="X", data={}, occurred_at=datetime(2026, 1, 1))
    with pytest.raises(pydantic.ValidationError):
        NewEvent(event_type="not a name", data={}, occurred_at=NOW)
    with pytest.raises(pydantic.ValidationError):
        NewEvent(event_type="X", data={}, occurred_at=NOW, metadata=EventMetadata(jurisdiction="33"))


async def test_create_streams_once_skips_existing_streams(store: EventStore) -> None:
    def payment(household: int) -> tuple[str, list[NewEvent]]:
        event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"payment/{household}/2026-03")
        return f"payment-{household}-2026-03", [
            NewEvent(event_id=event_id, event_type="PaymentIssued", data={"amount_fen": 100}, occurred_at=NOW)
        ]

    first = await store.create_streams_once("payment", [payment(i) for i in range(0, 60)])
    assert len(first) == 60
    # a resumed run overlapping the first one: only the new streams are written
    second = await store.create_streams_once("payment", [payment(i) for i in range(30, 100)])
    assert sorted(second) == sorted(f"payment-{i}-2026-03" for i in range(60, 100))
    assert await count(store) == 100
    assert await store.create_streams_once("payment", [payment(i) for i in range(100)]) == {}
    with pytest.raises(InvalidEventError):
        await store.create_streams_once("payment", [("bad id", [ev()])])
