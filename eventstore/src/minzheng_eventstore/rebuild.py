"""Rebuild a read model from zero and compare it, row by row, with the live one (重建读模型并逐行比对).

``compare`` works on a connection of its own, in one transaction, beside the live read model:

1. the projection's lock is taken (its live runner waits) and its checkpoint read: the rebuild
   folds exactly the events the live rows were folded from;
2. the tables the projection writes are found from its own ``reset`` (run once in a savepoint that
   is rolled back: the tables it locked for writing);
3. each of them gets a temporary twin (``CREATE TEMP TABLE t (LIKE t INCLUDING ALL)``). PostgreSQL
   looks up unqualified names in the session's temporary schema first, so the projection's own
   ``reset`` and ``handle`` now write the twins and the live tables are never touched, nor locked
   against readers;
4. every event up to the checkpoint is folded again, page by page, into the twins;
5. each twin is compared with its live table (``EXCEPT ALL`` on ``to_jsonb`` rows both ways); a
   difference is named by the table's primary key and the columns that differ, never by the other
   values (read models hold resident IDs);
6. with ``apply`` the live tables take the rebuilt rows in the same transaction; otherwise it
   rolls back and the connection, with its twins, is closed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from . import collector, page_reader
from .dsn import asyncpg_dsn
from .model import START, Checkpoint
from .projection import Projection, ProjectionHandler, Reset
from .store import Connection, EventStore

Progress = Callable[[int], None]
"""Called with the number of events just folded."""

MAX_NAMED = 100
"""At most this many differing rows are named per table (the counts are always whole)."""


@dataclass(frozen=True, slots=True)
class RowDifference:
    """One row that differs, as seen from the live read model: ``missing`` (the events give it, the
    live table lacks it), ``extra`` (the live table has it, the events do not give it) or
    ``changed`` (the same key, other values in ``columns``)."""

    kind: str
    key: dict[str, Any]
    columns: tuple[str, ...] = ()


@dataclass(slots=True)
class TableComparison:
    table: str
    live_rows: int
    rebuilt_rows: int
    missing: int = 0
    extra: int = 0
    changed: int = 0
    differences: list[RowDifference] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.missing or self.extra or self.changed)


@dataclass(slots=True)
class RebuildReport:
    """What a rebuild folded and, for a comparison, how the rebuilt read model differs."""

    projection: str
    events: int
    scanned: int
    checkpoint: str
    tables: list[TableComparison] = field(default_factory=list)
    applied: bool = False

    @property
    def same(self) -> bool:
        return all(t.same for t in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {
            "projection": self.projection,
            "events": self.events,
            "scanned": self.scanned,
            "checkpoint": self.checkpoint,
            "same": self.same,
            "applied": self.applied,
            "tables": [
                {
                    "table": t.table,
                    "live_rows": t.live_rows,
                    "rebuilt_rows": t.rebuilt_rows,
                    "missing": t.missing,
                    "extra": t.extra,
                    "changed": t.changed,
                    "differences": [
                        {"kind": d.kind, "key": d.key, "columns": list(d.columns)} for d in t.differences
                    ],
                }
                for t in self.tables
            ],
        }


@dataclass(frozen=True, slots=True)
class Target:
    """What a rebuild needs of a projection (``kit.ProjectionDef`` has these fields)."""

    name: str
    handle: ProjectionHandler
    stream_types: Sequence[str] | None
    reset: Reset | None
    batch_size: int = 1000


_WRITTEN = """
SELECT DISTINCT n.nspname, c.relname FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p')
  AND l.mode IN ('RowExclusiveLock', 'AccessExclusiveLock')
  AND n.nspname NOT LIKE 'pg_temp%' AND c.relname <> 'projection_checkpoints'
ORDER BY 1, 2
"""


async def written_tables(conn: Connection, reset: Reset) -> list[tuple[str, str]]:
    """The ``(schema, table)`` pairs ``reset`` writes: it runs in a savepoint that is rolled back
    (the locks it took go with it). Must be called inside a transaction."""
    before = {(r[0], r[1]) for r in await conn.fetch(_WRITTEN)}
    tx = conn.transaction()
    await tx.start()
    try:
        await reset(conn)
        found = [(r[0], r[1]) for r in await conn.fetch(_WRITTEN)]
    finally:
        await tx.rollback()
    return [t for t in found if t not in before]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _primary_key(conn: Connection, schema: str, table: str) -> list[str]:
    rows = await conn.fetch(
        """
        SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = ($1 || '.' || $2)::regclass AND i.indisprimary ORDER BY a.attnum
        """,
        _ident(schema),
        _ident(table),
    )
    return [r[0] for r in rows]


async def _compare_table(conn: Connection, schema: str, table: str) -> TableComparison:
    live, twin = f"{_ident(schema)}.{_ident(table)}", f"pg_temp.{_ident(table)}"
    live_rows = int(await conn.fetchval(f"SELECT count(*) FROM {live}"))
    rebuilt_rows = int(await conn.fetchval(f"SELECT count(*) FROM {twin}"))
    gone = await conn.fetch(
        f"SELECT to_jsonb(t)::text FROM {live} t EXCEPT ALL SELECT to_jsonb(t)::text FROM {twin} t"
    )
    new = await conn.fetch(
        f"SELECT to_jsonb(t)::text FROM {twin} t EXCEPT ALL SELECT to_jsonb(t)::text FROM {live} t"
    )
    result = TableComparison(f"{schema}.{table}", live_rows, rebuilt_rows)
    if not gone and not new:
        return result
    key_columns = await _primary_key(conn, schema, table)

    def key_of(row: dict[str, Any]) -> str:
        return json.dumps({k: row.get(k) for k in key_columns} if key_columns else row, sort_keys=True)

    old_rows = {key_of(r): r for r in (json.loads(g[0]) for g in gone)}
    new_rows = {key_of(r): r for r in (json.loads(n[0]) for n in new)}
    for key, row in old_rows.items():
        if key in new_rows:
            other = new_rows[key]
            columns = tuple(sorted(c for c in set(row) | set(other) if row.get(c) != other.get(c)))
            result.changed += 1
            difference = RowDifference("changed", json.loads(key), columns)
        else:
            result.extra += 1
            difference = RowDifference("extra", json.loads(key) if key_columns else {})
        if len(result.differences) < MAX_NAMED:
            result.differences.append(difference)
    for key in new_rows.keys() - old_rows.keys():
        result.missing += 1
        if len(result.differences) < MAX_NAMED:
            result.differences.append(RowDifference("missing", json.loads(key) if key_columns else {}))
    # rows repeated in a table without a primary key, beyond the ones paired above
    result.extra += max(0, len(gone) - len(old_rows))
    result.missing += max(0, len(new) - len(new_rows))
    return result


async def compare(
    store: EventStore,
    database_url: str,
    target: Target,
    *,
    apply: bool = False,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuild ``target`` beside its live read model and compare them (see the module docstring).
    ``database_url`` opens the connection of its own (its temporary twins die with it)."""
    if target.reset is None:
        raise ValueError(f"projection {target.name} has no reset: it cannot be rebuilt")
    conn: Connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        tx = conn.transaction()
        await tx.start()
        committed = False
        try:
            report = await _rebuild_beside(store, conn, target, progress)
            if apply:
                await _apply(conn, report)
                await tx.commit()
                committed = True
        finally:
            if not committed:
                await tx.rollback()
        return report
    finally:
        await conn.close()


async def _rebuild_beside(
    store: EventStore, conn: Connection, target: Target, progress: Progress | None
) -> RebuildReport:
    assert target.reset is not None
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('projection:' || $1))", target.name)
    row = await conn.fetchrow(
        "SELECT tx, position FROM projection_checkpoints WHERE projection = $1", target.name
    )
    upto = START if row is None else Checkpoint(row["tx"], row["position"])
    tables = await written_tables(conn, target.reset)
    for _, table in tables:
        await conn.execute(
            f"CREATE TEMP TABLE {_ident(table)} (LIKE {_ident(_schema_of(tables, table))}.{_ident(table)} "
            "INCLUDING ALL) ON COMMIT DROP"
        )
    await target.reset(conn)  # the twins (empty already): whatever else reset does for a rebuild
    events = scanned = 0
    after = START
    with collector.held_off():
        while after < upto:
            page = await page_reader.read_page(
                store, after, limit=target.batch_size, stream_types=target.stream_types, conn=conn
            )
            if not page.scanned:
                break
            batch = [e for e in page.events if e.checkpoint <= upto]
            if batch:
                await target.handle(batch, conn)
            events += len(batch)
            scanned += page.scanned
            after = page.end
            if progress is not None:
                progress(len(batch))
            collector.page_folded()
    report = RebuildReport(target.name, events, scanned, str(upto))
    for schema, table in tables:
        report.tables.append(await _compare_table(conn, schema, table))
    return report


def _schema_of(tables: list[tuple[str, str]], table: str) -> str:
    return next(s for s, t in tables if t == table)


async def _apply(conn: Connection, report: RebuildReport) -> None:
    """The live tables take the rebuilt rows (in the comparison's transaction)."""
    for t in report.tables:
        schema, _, table = t.table.partition(".")
        live = f"{_ident(schema)}.{_ident(table)}"
        await conn.execute(f"DELETE FROM {live}")
        await conn.execute(f"INSERT INTO {live} SELECT * FROM pg_temp.{_ident(table)}")
    report.applied = True


async def events_to_fold(store: EventStore, stream_types: Sequence[str] | None) -> int:
    """How many events a rebuild folds (a progress bar's total)."""
    async with store.pool.acquire() as conn:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE $1::text[] IS NULL OR stream_type = ANY($1::text[])",
                None if stream_types is None else list(stream_types),
            )
        )


async def rebuild_live(projection: Projection, progress: Progress | None = None) -> int:
    """``projection.rebuild()`` (reset, then fold every event, batch by batch), reporting the
    events folded as it goes; returns how many."""
    task = asyncio.create_task(projection.rebuild())
    seen = projection.applied
    while not task.done():
        await asyncio.wait([task], timeout=0.1)
        if progress is not None and projection.applied > seen:
            progress(projection.applied - seen)
            seen = projection.applied
    return task.result()


__all__ = [
    "RebuildReport",
    "RowDifference",
    "TableComparison",
    "Target",
    "compare",
    "events_to_fold",
    "rebuild_live",
    "written_tables",
]
