"""Verify the hash chains (核验): walk one stream or all of a service's, recompute every event's
hash in PostgreSQL from the stored row (``chain.link_sql`` over the columns, the same expression
the append wrote it with), and name what is wrong.

What a finding names, per stream (rows in version order, each with its stored ``prev_hash`` and
``hash``; a stream's first event chains to the empty hash):

- ``changed``: the row's content (type, version, data, metadata, times) no longer gives its hash;
- ``removed``: a version is missing, or a row links to a hash no row of the stream has (the event
  before it is gone);
- ``reordered``: a row links to a row that now comes after it;
- ``inserted``: a row the chain does not lead to: the row after it links past it, to the row
  before it;
- ``unhashed``: a row written before the chain existed and not back-filled.

A stream deleted whole, or truncated at its tail, leaves a valid chain behind: the signed
checkpoints catch those (``checkpoints``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import asyncpg

from . import chain

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record]"

Kind = Literal["changed", "removed", "reordered", "inserted", "unhashed", "deleted", "truncated"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong in a stream."""

    kind: Kind
    stream_id: str
    version: int | None
    event_id: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class Row:
    """An event as verification sees it."""

    stream_id: str
    version: int
    position: int
    event_id: str
    prev_hash: bytes | None
    hash: bytes | None
    recomputed: bytes | None


_SELECT = f"""
SELECT stream_id, version, position, event_id::text AS event_id, prev_hash, hash,
       {chain.link_sql("prev_hash", chain.COLUMNS)} AS recomputed
FROM events
"""
_ONE_STREAM = _SELECT + " WHERE stream_id = $1 ORDER BY version"


def check_stream(rows: Sequence[Row]) -> list[Finding]:
    """The findings of one stream's rows (in version order). Pure: the rules above."""
    findings: list[Finding] = []
    hashes = {r.hash: i for i, r in enumerate(rows) if r.hash is not None}

    def add(kind: Kind, row: Row | None, detail: str, version: int | None = None) -> None:
        stream = rows[0].stream_id
        findings.append(
            Finding(
                kind,
                stream,
                row.version if row is not None and version is None else version,
                row.event_id if row is not None and version is None else None,
                detail,
            )
        )

    expected_version = 1
    for i, row in enumerate(rows):
        for missing in range(expected_version, row.version):
            add("removed", None, f"version {missing} is missing", version=missing)
        expected_version = row.version + 1
        if row.hash is None:
            add("unhashed", row, "written before the hash chain and not back-filled")
            continue
        if row.recomputed != row.hash:
            add("changed", row, "the content no longer gives the stored hash")
        before = rows[i - 1].hash if i > 0 else b""
        if row.prev_hash == before:
            continue
        linked = hashes.get(row.prev_hash) if row.prev_hash is not None else None
        if linked is not None and linked > i:
            add("reordered", row, f"links to the event now at version {rows[linked].version}")
        elif i >= 2 and row.prev_hash == rows[i - 2].hash:
            add("inserted", rows[i - 1], "the chain does not lead to it: the next event links past it")
        elif i == 1 and row.prev_hash == b"":
            add("inserted", rows[0], "the chain does not lead to it: the next event links past it")
        elif linked is None:
            gap = row.version != (rows[i - 1].version + 1 if i > 0 else 1)
            if not gap:  # a gap is named above
                add("removed", row, "the event before it is gone: it links to a hash no event has")
        else:
            add("reordered", row, f"links to the event at version {rows[linked].version}")
    return findings


def _row(record: asyncpg.Record) -> Row:
    return Row(
        record["stream_id"],
        record["version"],
        record["position"],
        record["event_id"],
        None if record["prev_hash"] is None else bytes(record["prev_hash"]),
        None if record["hash"] is None else bytes(record["hash"]),
        None if record["recomputed"] is None else bytes(record["recomputed"]),
    )


async def verify_stream(conn: Connection, stream_id: str) -> list[Finding]:
    """The findings of one stream (none: its chain holds)."""
    rows = [_row(r) for r in await conn.fetch(_ONE_STREAM, stream_id)]
    return check_stream(rows) if rows else []


@dataclass
class Report:
    """What a walk over every stream found."""

    streams: int = 0
    events: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


_SCAN = f"""
SELECT count(*) AS events,
       count(*) FILTER (WHERE before_version IS NULL) AS streams,
       array_agg(DISTINCT stream_id) FILTER (
           WHERE hash IS NULL OR recomputed IS DISTINCT FROM hash
              OR prev_hash IS DISTINCT FROM coalesce(before, ''::bytea)
              OR version <> coalesce(before_version, 0) + 1
       ) AS suspects
FROM (
    SELECT stream_id, version, hash, prev_hash,
           {chain.link_sql("prev_hash", chain.COLUMNS)} AS recomputed,
           lag(hash) OVER w AS before, lag(version) OVER w AS before_version
    FROM events WINDOW w AS (PARTITION BY stream_id ORDER BY version)
) s
"""
"""One pass in PostgreSQL over every event: the counts, and the streams where anything is off (an
event whose content does not give its hash, that does not link to the one before it, or that is
not one version after it). Only those streams come to Python, for ``check_stream`` to name what."""


async def verify_all(conn: Connection, *, progress: Callable[[int], None] | None = None) -> Report:
    """Walk every stream of the store (``progress``: called with the events checked)."""
    row = await conn.fetchrow(_SCAN)
    assert row is not None
    report = Report(streams=int(row["streams"]), events=int(row["events"]))
    if progress is not None:
        progress(report.events)
    for stream_id in sorted(row["suspects"] or []):
        report.findings.extend(await verify_stream(conn, stream_id))
    return report


__all__ = ["Finding", "Report", "Row", "check_stream", "verify_all", "verify_stream"]
