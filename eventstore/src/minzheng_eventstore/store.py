"""The event store: append with an expected version, read a stream, tail the global order.

The hot path is one asyncpg round trip per append: the version check, the insert of every
event and the returned positions are one statement (see ``_APPEND``). SQLAlchemy declares the
tables (``schema.py``); statements on the hot path are plain SQL so that nothing stands
between the command and the database but the driver (DESIGN §8: the engine path costs as much
as the database).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg
from opentelemetry import trace
from prometheus_client.metrics import Histogram

from . import chain, jsoncodec
from .dsn import asyncpg_dsn
from .errors import (
    ConcurrencyError,
    EventIdConflictError,
    InvalidEventError,
    StoreUnavailableError,
    StreamNotFoundError,
)
from .metrics import APPEND_SECONDS
from .model import (
    ANY_VERSION,
    START,
    STREAM_ID_PATTERN,
    AppendResult,
    Checkpoint,
    NewEvent,
    Page,
    RecordedEvent,
    Snapshot,
)
from .observability import current_traceparent
from .upcasting import NO_UPCASTERS, Upcasters

tracer = trace.get_tracer("minzheng.store")

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record]"

PublicationCheck = Callable[[RecordedEvent], None]
"""Raises ``UnpublishableEventError`` for an event whose published form cannot be built or sent."""

_COLUMNS = (
    "stream_id, stream_type, version, position, tx::text::bigint AS tx, event_id, event_type, "
    "schema_version, data::text AS data, occurred_at, recorded_at, correlation_id, causation_id, "
    "traceparent, actor, jurisdiction"
)


def _fields(row: str, **given: str) -> dict[str, str]:
    """The canonical fields of an event being appended, as SQL: the columns of ``row`` (an
    ``unnest`` of the append's arrays), the time recorded (the transaction's ``now()``, which the
    insert writes too) and ``given`` ones."""
    fields = {name: f"{row}.{name}" for name in chain.FIELDS}
    fields["recorded_at"] = "now()"
    return fields | given


_OWN = _fields("u", stream_id="$1::text", stream_type="$2::text")
_UNNEST = """unnest($4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::timestamptz[], $9::uuid[],
                  $10::uuid[], $11::text[], $12::text[], $13::text[])
           WITH ORDINALITY AS a(event_id, event_type, schema_version, data, occurred_at, correlation_id,
                                causation_id, traceparent, actor, jurisdiction, ord)"""

# One statement: read the stream's version and its last hash, chain the new events' hashes to it
# (``chain``: sha256(prev ‖ canonical bytes), computed here so the time hashed is the
# ``recorded_at`` written), insert them only if the version is the expected one (or if any
# version is accepted), return the version seen and the new positions. A concurrent writer that
# passed the same check loses on UNIQUE (stream_id, version). A stream whose last event has no
# hash (written before the chain and not back-filled yet) gets none either.
_APPEND = f"""
WITH RECURSIVE head AS (
    SELECT version, hash FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1
), cur AS (
    SELECT coalesce((SELECT version FROM head), 0) AS v,
           CASE WHEN EXISTS (SELECT 1 FROM head) THEN (SELECT hash FROM head) ELSE ''::bytea END AS h
), u AS (
    SELECT a.*, cur.v + a.ord::int AS version FROM cur, {_UNNEST}
), links AS (
    SELECT u.ord, cur.h AS prev, {chain.link_sql("cur.h", _OWN)} AS h
    FROM cur, u WHERE u.ord = 1
    UNION ALL
    SELECT u.ord, l.h, {chain.link_sql("l.h", _OWN)}
    FROM links l JOIN u ON u.ord = l.ord + 1
), ins AS (
    INSERT INTO events (stream_id, stream_type, version, event_id, event_type, schema_version, data,
                        occurred_at, correlation_id, causation_id, traceparent, actor, jurisdiction,
                        recorded_at, prev_hash, hash)
    SELECT $1, $2, u.version, u.event_id, u.event_type, u.schema_version, u.data,
           u.occurred_at, u.correlation_id, u.causation_id, u.traceparent, u.actor, u.jurisdiction,
           now(), links.prev, links.h
    FROM cur, u JOIN links ON links.ord = u.ord
    WHERE $3::int = -1 OR cur.v = $3::int
    ORDER BY u.ord
    RETURNING position, version
)
SELECT (SELECT v FROM cur) AS current_version,
       coalesce((SELECT array_agg(position ORDER BY version) FROM ins), '{{}}') AS positions
"""

_ONE = {  # the event's fields, as inserted and as hashed
    "stream_id": "$1::text",
    "stream_type": "$2::text",
    "version": "cur.v + 1",
    "event_id": "($4::uuid[])[1]",
    "event_type": "($5::text[])[1]",
    "schema_version": "($6::int[])[1]",
    "occurred_at": "($8::timestamptz[])[1]",
    "recorded_at": "now()",
    "correlation_id": "($9::uuid[])[1]",
    "causation_id": "($10::uuid[])[1]",
    "traceparent": "($11::text[])[1]",
    "actor": "($12::text[])[1]",
    "jurisdiction": "($13::text[])[1]",
    "data": "($7::jsonb[])[1]",
}

# ``_APPEND`` for the common case, a command's one event: no recursion to plan or run.
_APPEND_ONE = f"""
WITH cur AS (
    SELECT coalesce(max(version), 0) AS v FROM events WHERE stream_id = $1
), head AS (
    SELECT CASE WHEN cur.v = 0 THEN ''::bytea
                ELSE (SELECT hash FROM events WHERE stream_id = $1 AND version = cur.v) END AS h
    FROM cur
), ins AS (
    INSERT INTO events ({", ".join(chain.FIELDS)}, prev_hash, hash)
    SELECT {", ".join(_ONE[name] for name in chain.FIELDS)}, head.h, {chain.link_sql("head.h", _ONE)}
    FROM cur, head
    WHERE $3::int = -1 OR cur.v = $3::int
    RETURNING position, version
)
SELECT (SELECT v FROM cur) AS current_version,
       coalesce((SELECT array_agg(position) FROM ins), '{{}}') AS positions
"""

_CREATE_UNNEST = """unnest($1::text[], $2::text[], $3::int[], $4::uuid[], $5::text[], $6::int[], $7::jsonb[],
            $8::timestamptz[], $9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::text[])
     WITH ORDINALITY AS u(stream_id, stream_type, version, event_id, event_type, schema_version, data,
                          occurred_at, correlation_id, causation_id, traceparent, actor, jurisdiction, ord)"""

_INSERT_COLUMNS = """INSERT INTO events (stream_id, stream_type, version, event_id, event_type,
                    schema_version, data, occurred_at, correlation_id, causation_id, traceparent,
                    actor, jurisdiction, recorded_at, prev_hash, hash)"""

# Bulk work (payment runs): start many streams in one statement; a stream that exists already is
# left as it is. With deterministic event ids a repeated or resumed run writes nothing twice.
# Every stream new: a first event chains to the empty hash; a later one (``_CREATE_ONCE``, the
# rows of a stream consecutive, versions 1, 2, …) to the one before it, one depth per recursion
# step. ``_CREATE_FIRST_EVENTS`` (one event per stream: a payment run) needs no recursion.
_CREATE_FIRST_EVENTS = f"""
{_INSERT_COLUMNS}
SELECT u.stream_id, u.stream_type, u.version, u.event_id, u.event_type, u.schema_version, u.data,
       u.occurred_at, u.correlation_id, u.causation_id, u.traceparent, u.actor, u.jurisdiction,
       now(), ''::bytea, {chain.link_sql("''::bytea", _fields("u"))}
FROM {_CREATE_UNNEST}
ORDER BY u.ord
ON CONFLICT DO NOTHING
RETURNING stream_id, position
"""

_CREATE_ONCE = f"""
WITH RECURSIVE u AS (
    SELECT * FROM {_CREATE_UNNEST}
), links AS (
    SELECT u.ord, u.stream_id, u.version, ''::bytea AS prev, {chain.link_sql("''::bytea", _fields("u"))} AS h
    FROM u WHERE u.version = 1
    UNION ALL
    SELECT u.ord, u.stream_id, u.version, l.h, {chain.link_sql("l.h", _fields("u"))}
    FROM links l JOIN u ON u.stream_id = l.stream_id AND u.version = l.version + 1
)
{_INSERT_COLUMNS}
SELECT u.stream_id, u.stream_type, u.version, u.event_id, u.event_type, u.schema_version, u.data,
       u.occurred_at, u.correlation_id, u.causation_id, u.traceparent, u.actor, u.jurisdiction,
       now(), links.prev, links.h
FROM u JOIN links ON links.ord = u.ord
ORDER BY u.ord
ON CONFLICT DO NOTHING
RETURNING stream_id, position
"""

# The same without the hash chain, for one use only: the benchmark that measures what the chain
# costs (``EventStore(hash_chain=False)``; a store written so fails ``verify``).
_APPEND_UNCHAINED = """
WITH cur AS (
    SELECT coalesce(max(version), 0) AS v FROM events WHERE stream_id = $1
), ins AS (
    INSERT INTO events (stream_id, stream_type, version, event_id, event_type, schema_version, data,
                        occurred_at, correlation_id, causation_id, traceparent, actor, jurisdiction)
    SELECT $1, $2, cur.v + u.ord, u.event_id, u.event_type, u.schema_version, u.data,
           u.occurred_at, u.correlation_id, u.causation_id, u.traceparent, u.actor, u.jurisdiction
    FROM cur, unnest($4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::timestamptz[], $9::uuid[],
                     $10::uuid[], $11::text[], $12::text[], $13::text[])
         WITH ORDINALITY AS u(event_id, event_type, schema_version, data, occurred_at, correlation_id,
                              causation_id, traceparent, actor, jurisdiction, ord)
    WHERE $3::int = -1 OR cur.v = $3::int
    ORDER BY u.ord
    RETURNING position, version
)
SELECT (SELECT v FROM cur) AS current_version,
       coalesce((SELECT array_agg(position ORDER BY version) FROM ins), '{}') AS positions
"""

_CREATE_UNCHAINED = """
INSERT INTO events (stream_id, stream_type, version, event_id, event_type, schema_version, data,
                    occurred_at, correlation_id, causation_id, traceparent, actor, jurisdiction)
SELECT u.stream_id, u.stream_type, u.version, u.event_id, u.event_type, u.schema_version, u.data,
       u.occurred_at, u.correlation_id, u.causation_id, u.traceparent, u.actor, u.jurisdiction
FROM unnest($1::text[], $2::text[], $3::int[], $4::uuid[], $5::text[], $6::int[], $7::jsonb[],
            $8::timestamptz[], $9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::text[])
     WITH ORDINALITY AS u(stream_id, stream_type, version, event_id, event_type, schema_version, data,
                          occurred_at, correlation_id, causation_id, traceparent, actor, jurisdiction, ord)
ORDER BY u.ord
ON CONFLICT DO NOTHING
RETURNING stream_id, position
"""

_EXISTING = """
SELECT event_id, stream_id, version, position, event_type, data::text AS data
FROM events WHERE event_id = ANY($1::uuid[])
"""

_STREAM = f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version"
_STREAM_AS_OF_TIME = (
    f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 AND recorded_at <= $3 "
    "ORDER BY version"
)
_STREAM_AS_OF_CHECKPOINT = (
    f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 "
    "AND (tx, position) <= ($3::text::xid8, $4::bigint) ORDER BY version"
)

# Only rows written by transactions older than every transaction still running are read, in
# (tx, position) order. Such rows are final: a transaction that commits later has a larger tx,
# so it sorts after anything returned here and a tailer resuming from its checkpoint sees it.
# ORDER BY names ``events.tx``: a bare ``tx`` would be the output column ``tx::text::bigint`` of
# ``_COLUMNS``, which no index has, and every batch would sort the whole table (found by the
# rebuild benchmark: O(n) per batch, O(n²) per rebuild; test_reading pins the plan).
_READ_ALL = f"""
SELECT {_COLUMNS} FROM events
WHERE (tx, position) > ($1::text::xid8, $2::bigint)
  AND tx < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.tx, events.position
LIMIT $3
"""
_READ_ALL_TYPES = f"""
SELECT {_COLUMNS} FROM events
WHERE (tx, position) > ($1::text::xid8, $2::bigint)
  AND tx < pg_snapshot_xmin(pg_current_snapshot())
  AND stream_type = ANY($4::text[])
ORDER BY events.tx, events.position
LIMIT $3
"""
_WANTED_DATA = "CASE WHEN stream_type = ANY($4::text[]) THEN data::text END AS data"
_READ_PAGE_TYPES = f"""
SELECT {_COLUMNS.replace("data::text AS data", _WANTED_DATA)}, stream_type = ANY($4::text[]) AS wanted
FROM events
WHERE (tx, position) > ($1::text::xid8, $2::bigint)
  AND tx < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.tx, events.position
LIMIT $3
"""
_HEAD = """
SELECT tx::text::bigint AS tx, position FROM events
WHERE tx < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.tx DESC, events.position DESC LIMIT 1
"""
CONNECTION_ERRORS = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    ConnectionError,
    OSError,
)
_RECONNECT_PAUSES = (0.05, 0.2, 0.5, 1.0, 0.0)

_LOAD_SNAPSHOT = (
    "SELECT version, schema_version, state::text AS state, taken_at FROM snapshots WHERE stream_id = $1"
)


def _encode_data(event: NewEvent) -> str:
    try:
        return jsoncodec.dumps(event.data)
    except (TypeError, ValueError) as exc:
        raise InvalidEventError(
            f"event {event.event_id} ({event.event_type}): data is not JSON: {exc}"
        ) from exc


def _check_append(stream_id: str, stream_type: str, expected_version: int, events: Sequence[Any]) -> None:
    if not STREAM_ID_PATTERN.match(stream_id):
        raise InvalidEventError(f"stream_id {stream_id!r} is not a valid stream name")
    if not STREAM_ID_PATTERN.match(stream_type):
        raise InvalidEventError(f"stream_type {stream_type!r} is not a valid name")
    if expected_version < ANY_VERSION:
        raise InvalidEventError(f"expected_version must be >= 0 or ANY_VERSION, not {expected_version}")
    if not events:
        raise InvalidEventError("nothing to append: no events given")
    for event in events:
        if not isinstance(event, NewEvent):
            raise InvalidEventError(f"expected NewEvent, got {type(event).__name__}")
    ids = [e.event_id for e in events]
    if len(set(ids)) != len(ids):
        raise InvalidEventError("the same event_id appears twice in one append")


class EventStore:
    """A PostgreSQL event store shared by one service's command handlers, relay and consumers."""

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        *,
        upcasters: Upcasters = NO_UPCASTERS,
        hash_chain: bool = True,
        service: str = "unknown",
    ) -> None:
        self.pool = pool
        self.service = service
        """The service whose store this is: the ``service`` label of its metrics and spans."""
        self.append_seconds: Histogram = APPEND_SECONDS.labels(service)
        """``mz_append_seconds`` of this service: one observation per append on its own
        connection, and per unit of work that appended (``uow.run_unit``)."""
        self.hash_chain = hash_chain
        """Off only to measure what the chain costs (the benchmark): such events fail ``verify``."""
        self.upcasters = upcasters
        self._append_listeners: list[Callable[[], None]] = []
        self.publication_check: PublicationCheck | None = None
        """Set by the service host: every append first builds and validates the published form of
        its events, so that nothing the relay cannot publish ever commits (DESIGN §5a)."""

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        min_size: int = 2,
        max_size: int = 16,
        upcasters: Upcasters = NO_UPCASTERS,
        hash_chain: bool = True,
        service: str = "unknown",
    ) -> EventStore:
        """Open a pool on ``url`` (any PostgreSQL URL form)."""
        pool = await asyncpg.create_pool(
            asyncpg_dsn(url),
            min_size=min_size,
            max_size=max_size,
            # Our code never leaves session state behind; skipping the reset saves a round trip
            # per command on release.
            reset=_no_reset,
        )
        return cls(pool, upcasters=upcasters, hash_chain=hash_chain, service=service)

    async def close(self) -> None:
        await self.pool.close()

    def on_append(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each append by this process (the relay uses it as a wake-up)."""
        self._append_listeners.append(listener)

    # ------------------------------------------------------------------ append

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        conn: Connection | None = None,
    ) -> AppendResult:
        """Append ``events`` to ``stream_id`` if it is at ``expected_version``.

        - ``expected_version`` is the stream's current version (0 = must not exist yet), or
          ``ANY_VERSION``.
        - Re-sending events already appended (same ``event_id``s, same content, same place)
          writes nothing and returns the original positions with ``duplicate=True``.
        - Raises ``ConcurrencyError`` if another writer moved the stream,
          ``StreamNotFoundError`` if a version > 0 is expected of a stream that does not exist,
          ``EventIdConflictError`` if an id is re-used for something else and
          ``InvalidEventError`` for malformed input. Nothing is written in any of these cases.
        - With ``conn`` the append joins the caller's transaction (inbox, batch work).

        Traced as ``append <stream_type>``: the events carry that span's ``traceparent`` (unless
        they bring their own), so the message the relay sends carries it (its creation context)
        and the consumer's span is its child.
        """
        _check_append(stream_id, stream_type, expected_version, events)
        self._check_publishable(stream_id, stream_type, events)
        with self._appending(stream_type, conn, {"minzheng.events": len(events)}):
            result = await self._append_traced(stream_id, stream_type, expected_version, events, conn)
        if not result.duplicate:
            for listener in self._append_listeners:
                listener()
        return result

    @contextmanager
    def _appending(
        self, stream_type: str, conn: Connection | None, attributes: dict[str, int]
    ) -> Iterator[None]:
        """The ``append <stream_type>`` span around an append; its time in ``mz_append_seconds``
        when the store commits it itself (on a unit's connection the unit observes its commit)."""
        started = time.perf_counter()
        with tracer.start_as_current_span(
            f"append {stream_type}",
            attributes={"minzheng.service": self.service, "minzheng.stream_type": stream_type, **attributes},
        ):
            yield
        if conn is None:
            self.append_seconds.observe(time.perf_counter() - started)

    async def _append_traced(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int,
        events: Sequence[NewEvent],
        conn: Connection | None,
    ) -> AppendResult:
        ambient = current_traceparent()  # events caused inside a span carry its trace
        args = (
            stream_id,
            stream_type,
            expected_version,
            [e.event_id for e in events],
            [e.event_type for e in events],
            [e.schema_version for e in events],
            [_encode_data(e) for e in events],
            [e.occurred_at for e in events],
            [e.metadata.correlation_id for e in events],
            [e.metadata.causation_id for e in events],
            [e.metadata.traceparent or ambient for e in events],
            [e.metadata.actor for e in events],
            [e.metadata.jurisdiction for e in events],
        )
        if conn is not None:
            return await self._append_on(conn, stream_id, expected_version, events, args)
        return await self._append_retrying(stream_id, expected_version, events, args)

    async def create_streams_once(
        self,
        stream_type: str,
        streams: Sequence[tuple[str, Sequence[NewEvent]]],
        *,
        conn: Connection | None = None,
    ) -> dict[str, int]:
        """Start each ``(stream_id, events)`` that does not exist yet, in one statement.

        For bulk work such as a monthly payment run (one stream per household and period): a
        stream that already exists is skipped, so a repeated or resumed run writes nothing twice.
        Returns the first position of each stream created by this call.
        """
        rows: list[tuple[str, int, NewEvent]] = []
        for stream_id, events in streams:
            _check_append(stream_id, stream_type, 0, events)
            self._check_publishable(stream_id, stream_type, events)
            rows.extend((stream_id, version, event) for version, event in enumerate(events, start=1))
        if not rows:
            return {}
        with self._appending(
            stream_type, conn, {"minzheng.events": len(rows), "minzheng.streams": len(streams)}
        ):
            created = await self._create_traced(stream_type, rows, conn)
        if created:
            for listener in self._append_listeners:
                listener()
        return created

    async def _create_traced(
        self, stream_type: str, rows: list[tuple[str, int, NewEvent]], conn: Connection | None
    ) -> dict[str, int]:
        ambient = current_traceparent()
        args = (
            [r[0] for r in rows],
            [stream_type] * len(rows),
            [r[1] for r in rows],
            [r[2].event_id for r in rows],
            [r[2].event_type for r in rows],
            [r[2].schema_version for r in rows],
            [_encode_data(r[2]) for r in rows],
            [r[2].occurred_at for r in rows],
            [r[2].metadata.correlation_id for r in rows],
            [r[2].metadata.causation_id for r in rows],
            [r[2].metadata.traceparent or ambient for r in rows],
            [r[2].metadata.actor for r in rows],
            [r[2].metadata.jurisdiction for r in rows],
        )
        if not self.hash_chain:
            sql = _CREATE_UNCHAINED
        elif all(r[1] == 1 for r in rows):
            sql = _CREATE_FIRST_EVENTS
        else:
            sql = _CREATE_ONCE
        result = await self._fetch(sql, args, conn)
        created: dict[str, int] = {}
        for row in result:
            created.setdefault(row["stream_id"], row["position"])
        return created

    def _check_publishable(self, stream_id: str, stream_type: str, events: Sequence[NewEvent]) -> None:
        check = self.publication_check
        if check is None:
            return
        for version, event in enumerate(events, start=1):
            meta = event.metadata
            check(
                RecordedEvent(
                    stream_id,
                    stream_type,
                    version,
                    0,
                    0,
                    event.event_id,
                    event.event_type,
                    event.schema_version,
                    event.data,
                    event.occurred_at,
                    event.occurred_at,
                    meta.correlation_id,
                    meta.causation_id,
                    meta.traceparent,
                    meta.actor,
                    meta.jurisdiction,
                )
            )

    async def _append_retrying(
        self, stream_id: str, expected_version: int, events: Sequence[NewEvent], args: tuple[Any, ...]
    ) -> AppendResult:
        """Append on a pooled connection; if the connection breaks (server restart, failover), try
        again on a fresh one. Safe because appends are idempotent by event id: if the lost attempt
        did commit, the retry finds the events and returns the original result."""
        for attempt, pause in enumerate(_RECONNECT_PAUSES):
            try:
                async with self.pool.acquire() as own:
                    return await self._append_on(own, stream_id, expected_version, events, args)
            except CONNECTION_ERRORS as exc:
                if attempt == len(_RECONNECT_PAUSES) - 1:
                    raise StoreUnavailableError(f"PostgreSQL unreachable: {exc!r}") from exc
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    async def _append_on(
        self,
        conn: Connection,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        args: tuple[Any, ...],
    ) -> AppendResult:
        try:
            row = await conn.fetchrow(self._append_sql(len(events)), *args)
        except asyncpg.UniqueViolationError as exc:
            if conn.is_in_transaction():
                # The caller's transaction is aborted; it retries its whole unit of work.
                raise ConcurrencyError(stream_id, expected_version, -1) from exc
            duplicate = await self._as_duplicate(conn, stream_id, events)
            if duplicate is not None:
                return duplicate
            actual = await self.stream_version(stream_id, conn=conn)
            raise ConcurrencyError(stream_id, expected_version, actual) from exc
        assert row is not None
        positions: list[int] = row["positions"]
        current: int = row["current_version"]
        if positions:
            first = current + 1
            return AppendResult(stream_id, first, first + len(positions) - 1, tuple(positions))
        duplicate = await self._as_duplicate(conn, stream_id, events)
        if duplicate is not None:
            return duplicate
        if current == 0 and expected_version > 0:
            raise StreamNotFoundError(stream_id)
        raise ConcurrencyError(stream_id, expected_version, current)

    def _append_sql(self, count: int) -> str:
        if not self.hash_chain:
            return _APPEND_UNCHAINED
        return _APPEND_ONE if count == 1 else _APPEND

    async def _as_duplicate(
        self, conn: Connection, stream_id: str, events: Sequence[NewEvent]
    ) -> AppendResult | None:
        """If these exact events were appended before, the original result; else ``None``.

        Raises ``EventIdConflictError`` when some ids exist but do not match what is re-sent.
        """
        rows = await conn.fetch(_EXISTING, [e.event_id for e in events])
        if not rows:
            return None
        found = {r["event_id"]: r for r in rows}
        mismatched = []
        for event in events:
            row = found.get(event.event_id)
            if (
                row is None
                or row["stream_id"] != stream_id
                or row["event_type"] != event.event_type
                or json.loads(row["data"]) != json.loads(_encode_data(event))
            ):
                mismatched.append(str(event.event_id))
        if mismatched:
            raise EventIdConflictError(mismatched, "re-sent with different content or to another stream")
        ordered = [found[e.event_id] for e in events]
        versions = [r["version"] for r in ordered]
        if versions != list(range(versions[0], versions[0] + len(versions))):
            raise EventIdConflictError([str(e.event_id) for e in events], "re-sent in a different order")
        return AppendResult(
            stream_id, versions[0], versions[-1], tuple(r["position"] for r in ordered), duplicate=True
        )

    # ------------------------------------------------------------------ read

    async def stream_version(self, stream_id: str, *, conn: Connection | None = None) -> int:
        """The stream's current version (0 if it has no events)."""
        sql = "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1"
        if conn is not None:
            return int(await conn.fetchval(sql, stream_id))
        async with self.pool.acquire() as own:
            return int(await own.fetchval(sql, stream_id))

    async def read_stream(
        self,
        stream_id: str,
        *,
        from_version: int = 1,
        as_of: datetime | Checkpoint | None = None,
        conn: Connection | None = None,
    ) -> list[RecordedEvent]:
        """The stream's events from ``from_version`` on, upcast to current schema versions.

        ``as_of`` answers "what was known then": a ``datetime`` keeps events recorded at or
        before it, a ``Checkpoint`` keeps events at or before that place in the global order.
        Raises ``StreamNotFoundError`` if the stream has no events at all (as of that point).
        """
        if not STREAM_ID_PATTERN.match(stream_id):
            raise InvalidEventError(f"stream_id {stream_id!r} is not a valid stream name")
        if from_version < 1:
            raise InvalidEventError("from_version starts at 1")
        args: tuple[Any, ...]
        if as_of is None:
            sql, args = _STREAM, (stream_id, from_version)
        elif isinstance(as_of, Checkpoint):
            sql, args = _STREAM_AS_OF_CHECKPOINT, (stream_id, from_version, str(as_of.tx), as_of.position)
        else:
            if as_of.tzinfo is None:
                raise InvalidEventError("as_of must be timezone-aware")
            sql, args = _STREAM_AS_OF_TIME, (stream_id, from_version, as_of)
        rows = await self._fetch(sql, args, conn)
        if not rows and from_version == 1:
            raise StreamNotFoundError(stream_id)
        return [self._decode(r) for r in rows]

    async def read_all(
        self,
        after: Checkpoint = START,
        *,
        limit: int = 1000,
        stream_types: Sequence[str] | None = None,
        conn: Connection | None = None,
    ) -> list[RecordedEvent]:
        """Events after ``after`` in global order, never skipping one that commits later.

        Events of transactions still in flight (and of younger ones) are held back until those
        finish, so a tailer that stores the last event's ``checkpoint`` and resumes from it sees
        every event exactly once.
        """
        if limit < 1:
            raise InvalidEventError("limit must be positive")
        args: tuple[Any, ...]
        if stream_types is None:
            sql, args = _READ_ALL, (str(after.tx), after.position, limit)
        else:
            sql, args = _READ_ALL_TYPES, (str(after.tx), after.position, limit, list(stream_types))
        rows = await self._fetch(sql, args, conn)
        return [self._decode(r) for r in rows]

    async def read_page(
        self,
        after: Checkpoint = START,
        *,
        limit: int = 1000,
        stream_types: Sequence[str] | None = None,
        conn: Connection | None = None,
    ) -> Page:
        """The next ``limit`` rows of the global order after ``after`` (as ``read_all``), keeping
        the events of ``stream_types``: what tailers (relays, projections) read.

        Unlike ``read_all`` with ``stream_types``, which reads on until it has ``limit`` matching
        events, a page never reads more than ``limit`` rows, and its ``end`` moves past the rows
        it skipped: a tailer of a rare stream type resumes after them instead of reading them
        again at every poll (the filtered form of a subscription's "checkpoint reached").
        """
        if stream_types is None:
            events = await self.read_all(after, limit=limit, conn=conn)
            return Page(events, events[-1].checkpoint if events else after, len(events))
        if limit < 1:
            raise InvalidEventError("limit must be positive")
        args = (str(after.tx), after.position, limit, list(stream_types))
        rows = await self._fetch(_READ_PAGE_TYPES, args, conn)
        if not rows:
            return Page([], after, 0)
        last = rows[-1]
        events = [self._decode(r) for r in rows if r["wanted"]]
        return Page(events, Checkpoint(last["tx"], last["position"]), len(rows))

    async def _fetch(self, sql: str, args: Sequence[Any], conn: Connection | None) -> list[asyncpg.Record]:
        """Rows of ``sql`` on the caller's connection (its transaction), else on a pooled one."""
        rows: list[asyncpg.Record]
        if conn is not None:
            rows = await conn.fetch(sql, *args)
        else:
            async with self.pool.acquire() as own:
                rows = await own.fetch(sql, *args)
        return rows

    async def read_events(
        self, event_ids: Sequence[Any], *, conn: Connection | None = None
    ) -> list[RecordedEvent]:
        """The events with these ids, in global order (re-driving parked publications)."""
        sql = (
            f"SELECT {_COLUMNS} FROM events WHERE event_id = ANY($1::uuid[]) "
            "ORDER BY events.tx, events.position"
        )
        rows = await self._fetch(sql, (list(event_ids),), conn)
        return [self._decode(r) for r in rows]

    async def stream_ids(
        self, prefix: str, *, stream_type: str | None = None, conn: Connection | None = None
    ) -> list[str]:
        """The ids of the streams whose id starts with ``prefix`` (e.g. every household stream of
        one incident), in order: how a service lists streams without reading ``events`` itself."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = (
            "SELECT DISTINCT stream_id FROM events WHERE stream_id LIKE $1 AND version = 1 "
            "AND ($2::text IS NULL OR stream_type = $2) ORDER BY stream_id"
        )
        rows = await self._fetch(sql, (pattern, stream_type), conn)
        return [r["stream_id"] for r in rows]

    async def head(self) -> Checkpoint:
        """The checkpoint of the last event a tailer can read now (``START`` if none)."""
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(_HEAD)
        return START if row is None else Checkpoint(row["tx"], row["position"])

    def _decode(self, row: asyncpg.Record) -> RecordedEvent:
        # ``_COLUMNS`` lists the columns in the order of ``RecordedEvent``'s fields
        values = tuple(row)
        data = jsoncodec.loads(values[8])
        version = values[7]
        if self.upcasters:
            version, data = self.upcasters.upcast(values[6], version, data)
        v = values
        return RecordedEvent(
            v[0],
            v[1],
            v[2],
            v[3],
            v[4],
            v[5],
            v[6],
            version,
            data,
            v[9],
            v[10],
            v[11],
            v[12],
            v[13],
            v[14],
            v[15],
        )

    # ------------------------------------------------------------------ snapshots

    async def save_snapshot(self, snapshot: Snapshot, *, conn: Connection | None = None) -> None:
        """Store (or move forward) the snapshot of a stream; an older one never replaces a newer."""
        sql = """
            INSERT INTO snapshots (stream_id, version, schema_version, state) VALUES ($1, $2, $3, $4::jsonb)
            ON CONFLICT (stream_id) DO UPDATE
              SET version = excluded.version, schema_version = excluded.schema_version,
                  state = excluded.state, taken_at = now()
              WHERE snapshots.version < excluded.version
        """
        args = (snapshot.stream_id, snapshot.version, snapshot.schema_version, json.dumps(snapshot.state))
        if conn is not None:
            await conn.execute(sql, *args)
        else:
            async with self.pool.acquire() as own:
                await own.execute(sql, *args)

    async def load_snapshot(self, stream_id: str, *, conn: Connection | None = None) -> Snapshot | None:
        sql = _LOAD_SNAPSHOT
        if conn is not None:
            row = await conn.fetchrow(sql, stream_id)
        else:
            async with self.pool.acquire() as own:
                row = await own.fetchrow(sql, stream_id)
        if row is None:
            return None
        return Snapshot(
            stream_id, row["version"], jsoncodec.loads(row["state"]), row["schema_version"], row["taken_at"]
        )


async def _no_reset(conn: Connection) -> None:
    return None
