"""``rebuild.compare`` on the kit alone: the tables come from the projection's reset (TRUNCATE or
DELETE), the rebuild folds exactly up to the live checkpoint (not the head), the live tables are
neither written nor locked against readers while it runs, a table without a primary key is compared
as a multiset, and ``apply`` gives the live tables the rebuilt rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from minzheng_eventstore import EventStore, NewEvent, RecordedEvent
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.rebuild import Target, compare, written_tables
from minzheng_eventstore.store import Connection

NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def handle(events: list[RecordedEvent], conn: Connection) -> None:
    for e in events:
        await conn.execute(
            "INSERT INTO totals (stream_id, total) VALUES ($1, $2) "
            "ON CONFLICT (stream_id) DO UPDATE SET total = totals.total + excluded.total",
            e.stream_id,
            e.data["n"],
        )
        await conn.execute("INSERT INTO seen (n) VALUES ($1)", e.data["n"])


async def reset(conn: Connection) -> None:
    await conn.execute("TRUNCATE totals")
    await conn.execute("DELETE FROM seen")


TARGET = Target("totals", handle, ["counted"], reset, batch_size=7)


async def _setup(store: EventStore, streams: int = 5, each: int = 6) -> None:
    async with store.pool.acquire() as conn:
        await conn.execute("CREATE TABLE totals (stream_id text PRIMARY KEY, total int NOT NULL)")
        await conn.execute("CREATE TABLE seen (n int NOT NULL)")  # no primary key
    for s in range(streams):
        await store.append(
            f"counted-{s}",
            "counted",
            0,
            [NewEvent(event_type="Counted", data={"n": s * 10 + i}, occurred_at=NOW) for i in range(each)],
        )
        await store.append(f"other-{s}", "other", 0, [NewEvent(event_type="X", data={}, occurred_at=NOW)])


async def test_the_tables_are_found_from_the_reset(store: EventStore) -> None:
    await _setup(store)
    async with store.pool.acquire() as conn, conn.transaction():
        assert await written_tables(conn, reset) == [("public", "seen"), ("public", "totals")]
        assert await conn.fetchval("SELECT count(*) FROM totals") == 0  # nothing folded yet


async def test_rebuilt_equals_live_up_to_the_live_checkpoint(store: EventStore, database: str) -> None:
    await _setup(store)
    projection = Projection(store, "totals", handle, stream_types=["counted"], reset=reset, batch_size=7)
    await projection.catch_up()
    await store.append(
        "counted-9", "counted", 0, [NewEvent(event_type="Counted", data={"n": 1}, occurred_at=NOW)]
    )
    report = await compare(store, database, TARGET)  # the live one has not folded counted-9 yet
    assert report.same, report.as_dict()
    assert report.events == 30 and {t.table: t.live_rows for t in report.tables} == {
        "public.seen": 30,
        "public.totals": 5,
    }
    await projection.catch_up()
    assert (await compare(store, database, TARGET)).events == 31


async def test_differences_are_named_and_apply_mends_them(store: EventStore, database: str) -> None:
    await _setup(store)
    projection = Projection(store, "totals", handle, stream_types=["counted"], reset=reset)
    await projection.catch_up()
    async with store.pool.acquire() as conn:
        await conn.execute("UPDATE totals SET total = 0 WHERE stream_id = 'counted-1'")
        await conn.execute("DELETE FROM totals WHERE stream_id = 'counted-2'")
        await conn.execute("INSERT INTO totals VALUES ('counted-77', 5)")
        await conn.execute("INSERT INTO seen VALUES (3), (3)")
        await conn.execute("DELETE FROM seen WHERE n = 40")
    report = await compare(store, database, TARGET)
    tables = {t.table: t for t in report.tables}
    totals, seen = tables["public.totals"], tables["public.seen"]
    assert {(d.kind, d.key["stream_id"], d.columns) for d in totals.differences} == {
        ("changed", "counted-1", ("total",)),
        ("missing", "counted-2", ()),
        ("extra", "counted-77", ()),
    }
    assert (seen.missing, seen.extra, seen.changed) == (1, 2, 0)
    assert not (await compare(store, database, TARGET, apply=True)).same
    assert (await compare(store, database, TARGET)).same


async def test_readers_of_the_live_tables_are_not_blocked(store: EventStore, database: str) -> None:
    await _setup(store, streams=20, each=50)
    projection = Projection(store, "totals", handle, stream_types=["counted"], reset=reset)
    await projection.catch_up()
    reads: list[int] = []

    async def slow_handle(events: list[RecordedEvent], conn: Connection) -> None:
        async with store.pool.acquire() as reader:  # another session reads the live table meanwhile
            reads.append(int(await reader.fetchval("SELECT count(*) FROM totals")))
        await handle(events, conn)

    target = Target("totals", slow_handle, ["counted"], reset, batch_size=100)
    report = await asyncio.wait_for(compare(store, database, target), 60)
    assert report.same and reads and set(reads) == {20}
