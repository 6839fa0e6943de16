"""The pension roll (抚恤金发放名册): every entitlement's state, folded from its stream.

One row per entitlement stream, its state after its last event (``application.pensions.
roll_state``), folded with the entitlement area's own ``evolve`` onto the state stored. The run
*selects* from it (``application.pensions.roll_reads``), brought up to date first: a stale row
names the same deterministic payment ids, and the run holds the payments lock, so a death taken
in before the run is in the roll it reads. A read model: dropped and rebuilt at will.
"""

from __future__ import annotations

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.store import Connection

from ...application.entitlement.streams import ENTITLEMENT
from ...application.pensions.roll_reads import NAME, TABLE
from ...application.pensions.roll_state import FIELDS, as_row, as_state

STREAM_TYPES = [ENTITLEMENT.stream_type]

_COLUMNS = ", ".join(FIELDS)

MIGRATIONS = [
    Migration(
        "pensions_0002_roll",
        f"""
        -- 抚恤金发放名册: each entitlement's folded state (a text per field), what the monthly run
        -- selects from
        CREATE TABLE {TABLE} (
            stream_id text PRIMARY KEY, entitlement_id text NOT NULL, person text NOT NULL,
            resident_id text NOT NULL, residence text NOT NULL, approved_on text, starts text,
            terms text NOT NULL, suspensions text NOT NULL, status text NOT NULL, ended_from text,
            cancel_reason text, transferred_from text, transferred_to text);
        """,
    )
]

_STATES = f"SELECT stream_id, {_COLUMNS} FROM {TABLE} WHERE stream_id = ANY($1::text[])"
_UPSERT = f"""INSERT INTO {TABLE} (stream_id, {_COLUMNS})
    SELECT * FROM unnest({", ".join(f"${n}::text[]" for n in range(1, len(FIELDS) + 2))})
    ON CONFLICT (stream_id) DO UPDATE SET {", ".join(f"{f} = excluded.{f}" for f in FIELDS)}"""


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    """Fold a batch onto the stored states: one read of the streams' rows, one upsert."""
    by_stream: dict[str, list[RecordedEvent]] = {}
    for event in events:
        by_stream.setdefault(event.stream_id, []).append(event)
    stored = {r["stream_id"]: as_state(tuple(r)[1:]) for r in await conn.fetch(_STATES, list(by_stream))}
    rows: list[tuple[str | None, ...]] = []
    for stream, stream_events in by_stream.items():
        state = ENTITLEMENT.fold(stream_events, stored.get(stream))
        if state.entitlement_id is None:
            continue  # no recognition yet: nothing the run could pay
        rows.append((stream, *as_row(state)))
    if rows:
        await conn.execute(_UPSERT, *(list(column) for column in zip(*rows, strict=True)))


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {TABLE}")


__all__ = ["MIGRATIONS", "NAME", "STREAM_TYPES", "TABLE", "project", "reset"]
