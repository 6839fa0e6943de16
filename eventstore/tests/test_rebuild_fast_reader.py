"""The rebuild's faster read (``page_reader.read_page``) gives exactly the pages ``store.read_page``
gives: the same events (every field, upcast the same way) in the same order, the same ``end`` and
``scanned``, at every page size and stream-type filter, across page boundaries, while events are
appended and while a transaction that wrote some is still open. And a rebuild with appends going
on folds every event once, in the global order. The collector is on again after a fold."""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from minzheng_eventstore import EventStore, NewEvent, RecordedEvent, Upcasters
from minzheng_eventstore.errors import InvalidEventError
from minzheng_eventstore.model import START, Checkpoint, EventMetadata, Page
from minzheng_eventstore.page_reader import read_page
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.store import Connection

NOW = datetime(2026, 3, 1, tzinfo=UTC)

DATA: list[dict[str, Any]] = [
    {"n": 1},
    {"name": "张三", "nested": {"list": [1, 2.5, None, True, "x"]}, "fen": 123_456},
    {"big": 123456789012345678901234567890},  # beyond 64 bits: the exact decoder's path
    {"quote": 'a "b" \\ c', "empty": {}, "neg": -7},
    {},
]


@pytest.fixture
def upcasters() -> Upcasters:
    ups = Upcasters()

    @ups.register("Renamed", 1)
    def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        data["label"] = data.pop("old", None)
        return data

    return ups


def _event(i: int) -> NewEvent:
    kind = i % 3
    return NewEvent(
        event_type="Renamed" if kind == 0 else "Noted",
        data={"old": f"v{i}"} if kind == 0 else DATA[i % len(DATA)],
        occurred_at=NOW,
        metadata=EventMetadata(
            correlation_id=uuid.uuid4() if i % 2 else None,
            causation_id=uuid.uuid4() if i % 4 == 1 else None,
            traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01" if i % 5 == 0 else None,
            actor=f"clerk-{i}" if i % 2 == 0 else None,
            jurisdiction="110105" if i % 3 == 1 else None,
        ),
    )


async def _fill(store: EventStore, start: int, count: int) -> None:
    """``count`` events in streams of three types, some streams of several events."""
    i = start
    while i < start + count:
        size = 1 + i % 4
        kind = ("alpha", "beta", "gamma")[i % 3]
        await store.append(
            f"{kind}-{uuid.uuid4()}", kind, 0, [_event(j) for j in range(i, min(i + size, start + count))]
        )
        i += size


async def _both(
    store: EventStore, after: Checkpoint, limit: int, types: Sequence[str] | None
) -> tuple[Page, Page]:
    plain = await store.read_page(after, limit=limit, stream_types=types)
    fast = await read_page(store, after, limit=limit, stream_types=types)
    return plain, fast


FILTERS: list[list[str] | None] = [None, ["alpha"], ["alpha", "gamma"], [], ["none-such"]]


async def test_every_page_is_the_plain_reads_page(store: EventStore) -> None:
    await _fill(store, 0, 60)
    for types in FILTERS:
        for limit in (1, 7, 25, 1000):
            after, pages, events = START, 0, 0
            while True:
                plain, fast = await _both(store, after, limit, types)
                assert fast == plain, (types, limit, after)
                if not plain.scanned:
                    break
                assert all(type(e) is RecordedEvent for e in fast.events)
                after, pages, events = plain.end, pages + 1, events + len(plain.events)
            assert pages == -(-60 // limit), (types, limit)
            assert events == (60 if types is None else sum(e.stream_type in types for e in await _all(store)))
    upcast = [e for e in await _all(store) if e.event_type == "Renamed"]
    assert upcast and all(e.schema_version == 2 and "label" in e.data for e in upcast)
    assert any(e.data.get("big") == 123456789012345678901234567890 for e in await _all(store))


async def _all(store: EventStore) -> list[RecordedEvent]:
    return (await store.read_page(START, limit=10_000, stream_types=None)).events


async def test_pages_stay_the_same_while_events_are_appended_and_a_writer_is_open(
    store: EventStore,
) -> None:
    await _fill(store, 0, 30)
    for types in (None, ["beta", "gamma"]):
        seen = await _walk_with_a_writer_open(store, types)
        assert seen == len(await _all(store))


async def _walk_with_a_writer_open(store: EventStore, types: list[str] | None) -> int:
    held = f"beta-{uuid.uuid4()}"
    async with store.pool.acquire() as writer:
        open_tx = writer.transaction()
        await open_tx.start()
        committed = False

        async def commit() -> None:
            nonlocal committed
            await open_tx.commit()
            committed = True

        try:
            await store.append(held, "beta", 0, [_event(1)], conn=writer)
            return await _walk_beside(store, types, held, commit)
        finally:
            if not committed:  # a failed assertion: do not leave the writer open
                await open_tx.rollback()


async def _walk_beside(
    store: EventStore, types: list[str] | None, held: str, commit: Callable[[], Awaitable[None]]
) -> int:
    """Walk both reads in pages of 4, appending after the 3rd page and committing the open
    writer (whose events are held back until then) after the 5th; the rows scanned."""
    after, seen, step, open_ = START, 0, 0, True
    while True:
        plain, fast = await _both(store, after, 4, types)
        assert fast == plain, (types, step)
        assert not open_ or all(e.stream_id != held for e in fast.events)
        if step == 3:
            await _fill(store, 1000 + step, 9)
        if (step == 5 or not plain.scanned) and open_:
            await commit()
            open_ = False
            continue
        if not plain.scanned:
            return seen
        seen += plain.scanned
        after, step = plain.end, step + 1


async def test_a_rebuild_with_appends_going_on_folds_every_event_once_in_order(
    store: EventStore,
) -> None:
    await _fill(store, 0, 200)
    folded: list[tuple[str, int]] = []

    async def handle(events: list[RecordedEvent], conn: Connection) -> None:
        folded.extend((e.stream_id, e.version) for e in events)
        await asyncio.sleep(0)  # let the appender in between pages

    async def reset(conn: Connection) -> None:
        folded.clear()

    projection = Projection(
        store, "fast-reader", handle, stream_types=["alpha", "beta"], reset=reset, batch_size=16
    )
    appending = asyncio.create_task(_fill(store, 500, 120))
    await projection.rebuild()
    await appending
    await projection.catch_up()
    expected = [(e.stream_id, e.version) for e in await _all(store) if e.stream_type in ("alpha", "beta")]
    assert folded == expected
    assert gc.isenabled()
    assert not gc.get_freeze_count()


async def test_a_bad_limit_is_refused(store: EventStore) -> None:
    with pytest.raises(InvalidEventError, match="limit"):
        await read_page(store, START, limit=0, stream_types=None)
