"""The hash chain: every append links its events to the stream's last hash in its own statement,
the canonical form is PostgreSQL's jsonb text (reproduced in pure Python for the standalone
verifier), and ``verify`` names each kind of tampering made with raw SQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng_eventstore import ANY_VERSION, ConcurrencyError, EventMetadata, EventStore, NewEvent
from minzheng_eventstore.standalone import FIELDS, canonical_text, data_text, link
from minzheng_eventstore.verify import verify_all, verify_stream

NOW = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def ev(n: int = 1, **data: object) -> NewEvent:
    meta = EventMetadata(actor="official-7", jurisdiction="330727101")
    return NewEvent(event_type="Noted", data={"n": n, **data}, occurred_at=NOW, metadata=meta)


_ROWS = f"""
SELECT {", ".join(f for f in FIELDS if f != "data")}, data::text AS data_text, prev_hash, hash
FROM events WHERE stream_id = $1 ORDER BY version
"""


async def python_recomputes(store: EventStore, stream_id: str) -> None:
    """Every event's hash, recomputed from the row with nothing but the standard library."""
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(_ROWS, stream_id)
    prev = b""
    for row in rows:
        assert bytes(row["prev_hash"]) == prev
        canonical = canonical_text(dict(row), row["data_text"])
        assert link(prev, canonical) == bytes(row["hash"]), canonical
        prev = bytes(row["hash"])


async def test_appends_chain_their_events_to_the_stream(store: EventStore) -> None:
    await store.append("case-1", "case", 0, [ev(1)])
    await store.append("case-1", "case", 1, [ev(2, text='多\n行 "引号"'), ev(3), ev(4)])
    await store.append("case-1", "case", ANY_VERSION, [ev(5)])
    await python_recomputes(store, "case-1")
    async with store.pool.acquire() as conn:
        assert await verify_stream(conn, "case-1") == []


async def test_bulk_creation_chains_first_and_later_events(store: EventStore) -> None:
    await store.create_streams_once("payment", [(f"payment-{i}", [ev(i)]) for i in range(50)])
    households = [(f"household-{i}", [ev(1), ev(2), ev(3)]) for i in range(20)]
    await store.create_streams_once("household", households)
    for stream in ("payment-0", "payment-49", "household-0", "household-19"):
        await python_recomputes(store, stream)
    async with store.pool.acquire() as conn:
        report = await verify_all(conn)
    assert report.findings == [] and report.streams == 70 and report.events == 110


async def test_concurrent_writers_keep_one_unbroken_chain(store: EventStore) -> None:
    async def writer(i: int) -> None:
        while True:  # as a unit of work does: a writer that lost the race tries again
            try:
                await store.append("busy-1", "busy", ANY_VERSION, [ev(i)])
                return
            except ConcurrencyError:
                await asyncio.sleep(0)

    await asyncio.gather(*(writer(i) for i in range(16)))
    assert await store.stream_version("busy-1") == 16
    await python_recomputes(store, "busy-1")


# ------------------------------------------------------------------ tampering, by raw SQL


async def _three_streams(store: EventStore) -> None:
    for s in ("a-1", "b-1", "c-1"):
        await store.append(s, "case", 0, [ev(1), ev(2), ev(3), ev(4), ev(5)])


def named(findings: list[Any]) -> set[tuple[str, str, int | None]]:
    return {(f.kind, f.stream_id, f.version) for f in findings}


async def test_a_changed_event_is_named(store: EventStore) -> None:
    await _three_streams(store)
    async with store.pool.acquire() as conn:
        await conn.execute("UPDATE events SET data = '{\"n\": 99}' WHERE stream_id = 'b-1' AND version = 3")
        await conn.execute("UPDATE events SET actor = 'someone-else' WHERE stream_id = 'c-1' AND version = 5")
        report = await verify_all(conn)
    assert named(report.findings or []) == {("changed", "b-1", 3), ("changed", "c-1", 5)}


async def test_a_removed_event_is_named(store: EventStore) -> None:
    await _three_streams(store)
    async with store.pool.acquire() as conn:
        await conn.execute("DELETE FROM events WHERE stream_id = 'a-1' AND version = 2")
        report = await verify_all(conn)
    assert named(report.findings or []) == {("removed", "a-1", 2)}


async def test_a_removed_event_hidden_by_renumbering_is_named(store: EventStore) -> None:
    await _three_streams(store)
    async with store.pool.acquire() as conn:
        await conn.execute("DELETE FROM events WHERE stream_id = 'a-1' AND version = 2")
        await conn.execute("UPDATE events SET version = version - 1 WHERE stream_id = 'a-1' AND version > 2")
        findings = (await verify_all(conn)).findings or []
    assert ("removed", "a-1", 2) in named(findings)
    assert {f.kind for f in findings} <= {"removed", "changed"}  # the renumbered ones changed


async def test_reordered_events_are_named(store: EventStore) -> None:
    await _three_streams(store)
    async with store.pool.acquire() as conn:
        await conn.execute(
            "UPDATE events SET version = CASE version WHEN 3 THEN 1003 ELSE 1004 END "
            "WHERE stream_id = 'c-1' AND version IN (3, 4)"
        )
        await conn.execute(
            "UPDATE events SET version = 7 - (version - 1000) WHERE stream_id = 'c-1' AND version > 1000"
        )
        findings = (await verify_all(conn)).findings or []
    assert ("reordered", "c-1", 3) in named(findings)
    assert {f.stream_id for f in findings} == {"c-1"}


async def test_an_inserted_event_is_named_even_with_a_valid_hash(store: EventStore) -> None:
    await _three_streams(store)
    async with store.pool.acquire() as conn:
        # make room at version 3, then insert a forged event there linked to version 2, with its
        # hash computed by the published rule: the chain still does not lead to it
        shift = "UPDATE events SET version = version {} WHERE stream_id = 'b-1' AND version {}"
        await conn.execute(shift.format("+ 1000", ">= 3"))
        await conn.execute(shift.format("- 999", "> 1000"))
        before = await conn.fetchrow(
            "SELECT hash, recorded_at FROM events WHERE stream_id = 'b-1' AND version = 2"
        )
        forged = {
            "stream_id": "b-1", "stream_type": "case", "version": 3, "event_id": str(uuid.uuid4()),
            "event_type": "Noted", "schema_version": 1, "occurred_at": NOW,
            "recorded_at": before["recorded_at"], "correlation_id": None, "causation_id": None,
            "traceparent": None, "actor": "official-7", "jurisdiction": "330727101",
        }  # fmt: skip
        digest = link(bytes(before["hash"]), canonical_text(forged, '{"n": 3}'))
        await conn.execute(
            "INSERT INTO events (stream_id, stream_type, version, event_id, event_type, data, occurred_at,"
            " recorded_at, actor, jurisdiction, prev_hash, hash) VALUES ('b-1', 'case', 3, $1, 'Noted',"
            " '{\"n\": 3}', $2, $3, 'official-7', '330727101', $4, $5)",
            uuid.UUID(forged["event_id"]),
            NOW,
            before["recorded_at"],
            bytes(before["hash"]),
            digest,
        )
        findings = (await verify_all(conn)).findings or []
    assert ("inserted", "b-1", 3) in named(findings)
    assert {f.kind for f in findings} <= {"inserted", "changed"}  # the renumbered ones changed
    assert {f.stream_id for f in findings} == {"b-1"}


async def test_an_unhashed_event_is_named(store: EventStore) -> None:
    await _three_streams(store)
    async with store.pool.acquire() as conn:
        await conn.execute("UPDATE events SET hash = NULL WHERE stream_id = 'a-1' AND version = 5")
        report = await verify_all(conn)
    assert named(report.findings or []) == {("unhashed", "a-1", 5)}


# ------------------------------------------------------------------ the canonical form

_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**62), 2**62) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, value=_JSON, number=st.integers(-(2**31), 2**31 - 1))
async def test_python_writes_the_canonical_text_postgresql_writes(
    store: EventStore, text: str, value: Any, number: int
) -> None:
    async with store.pool.acquire() as conn:
        canonical, stored = await conn.fetchrow(
            "SELECT jsonb_build_array($1::text, $2::int, NULL::uuid, $3::uuid)::text, $4::jsonb::text",
            text,
            number,
            uuid.UUID(int=number % 2**128),
            __import__("json").dumps(value),
        )
    uid = str(uuid.UUID(int=number % 2**128))
    items = [text, number, None, uid]
    assert canonical == "[" + ", ".join(data_text(i) for i in items) + "]"
    assert stored == data_text(value)


async def test_events_written_before_the_chain_are_back_filled_once_and_recorded(
    store: EventStore, database: str
) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from minzheng_eventstore import install
    from minzheng_eventstore.dsn import sqlalchemy_url

    await _three_streams(store)
    await store.append("d-1", "case", 0, [ev(1)])
    async with store.pool.acquire() as conn:
        # as a store of revision 2 left them: no hashes at all on a-1 and b-1
        legacy = "UPDATE events SET hash = NULL, prev_hash = NULL WHERE stream_id IN ('a-1', 'b-1')"
        await conn.execute(legacy)
        assert {f.kind for f in (await verify_all(conn)).findings or []} == {"unhashed"}
    # such a stream's later appends stay unhashed until the back-fill
    await store.append("a-1", "case", 5, [ev(6)])
    engine = create_async_engine(sqlalchemy_url(database))
    await install(engine)
    await install(engine)  # a second start finds nothing to do
    await engine.dispose()
    async with store.pool.acquire() as conn:
        assert (await verify_all(conn)).findings == []
        assert [r["events"] for r in await conn.fetch("SELECT events FROM chain_backfills")] == [11]
    for stream in ("a-1", "b-1", "d-1"):
        await python_recomputes(store, stream)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actor=_TEXT, jurisdiction=st.sampled_from([None, "330727", "330727101", "330727101201"]), value=_JSON)
async def test_the_canonical_text_put_together_is_jsonbs_own(
    store: EventStore, actor: str, jurisdiction: str | None, value: Any
) -> None:
    from minzheng_eventstore.chain import COLUMNS, canonical_sql, canonical_sql_by_jsonb

    meta = EventMetadata(actor=actor or None, jurisdiction=jurisdiction, correlation_id=uuid.uuid4())
    event = NewEvent(event_type="Noted", data={"v": value}, occurred_at=NOW, metadata=meta)
    stream = f"canon-{uuid.uuid4().hex[:12]}"
    await store.append(stream, "case", 0, [event])
    async with store.pool.acquire() as conn:
        both = f"SELECT {canonical_sql(COLUMNS)}, {canonical_sql_by_jsonb(COLUMNS)} FROM events"
        fast, defined = await conn.fetchrow(both + " WHERE stream_id = $1", stream)
    assert fast == defined
    await python_recomputes(store, stream)
