"""An auditor's history (审计 · 历史): a stream's events, or a person's across the service's streams,
each with its type, version, recorded and occurred times, actor, correlation and causation ids.

How a person is found by resident ID, in two bounded steps (every service the same):

1. **the service's pseudonym purposes** (``ServiceDefinition.person_purposes``): services key a
   person's streams by a keyed pseudonym (``ctx.pseudonyms.token(purpose, id)``), so the kit
   computes the token of each declared purpose and takes the streams whose id carries it
   (``person-<token>``, ``medical-<token>-2026``);
2. **a bounded search of the event data** for the ID as a whole JSON string value (``"330727…"``):
   the streams whose events name the person (a household's members, a payee, a deceased).

At most ``PERSON_STREAMS`` streams are taken (``truncated`` says when more matched). The resident ID
is never logged nor stored by these reads: a read is recorded by the pseudonym (``audit_http``).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from .errors import StreamNotFoundError
from .model import Checkpoint, RecordedEvent
from .pseudonym import Pseudonyms
from .store import Connection, EventStore

PERSON_STREAMS = 200
"""The most streams a person's history reads (a bound on the search)."""

HISTORY_EVENTS = 5000
"""The most events one history answers (the earliest kept)."""


def jsonable(value: Any) -> Any:
    """A folded state or an event's data as JSON values: dataclasses (slotted too) as objects,
    dates and times in ISO 8601, UUIDs and enums by value, sets sorted."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return [jsonable(v) for v in value]
    if hasattr(value, "_asdict"):
        return jsonable(value._asdict())
    return str(value)


def entry(event: RecordedEvent, *, data: bool = True) -> dict[str, Any]:
    """One event of a history: where it is, what it is, who recorded it, when, and why."""
    out: dict[str, Any] = {
        "stream_id": event.stream_id,
        "stream_type": event.stream_type,
        "version": event.version,
        "position": f"{event.tx}:{event.position}",
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "occurred_at": event.occurred_at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(),
        "actor": event.actor,
        "correlation_id": None if event.correlation_id is None else str(event.correlation_id),
        "causation_id": None if event.causation_id is None else str(event.causation_id),
        "jurisdiction": event.jurisdiction,
    }
    if data:
        out["data"] = event.data
    return out


@dataclass(frozen=True, slots=True)
class History:
    """The events found, in the order they were recorded, and the streams they came from."""

    streams: list[str]
    events: list[RecordedEvent]
    truncated: bool = False

    def as_json(self, *, data: bool = True) -> dict[str, Any]:
        return {
            "streams": self.streams,
            "truncated": self.truncated,
            "events": [entry(e, data=data) for e in self.events],
        }


def _known(event: RecordedEvent, as_of: datetime | Checkpoint | None) -> bool:
    if as_of is None:
        return True
    if isinstance(as_of, Checkpoint):
        return (event.tx, event.position) <= (as_of.tx, as_of.position)
    return event.recorded_at <= as_of


async def stream_history(
    store: EventStore,
    stream_id: str,
    *,
    as_of: datetime | Checkpoint | None = None,
    conn: Connection | None = None,
) -> History:
    """The stream's events (as known at ``as_of``); ``StreamNotFoundError`` if it has none."""
    events = await store.read_stream(stream_id, as_of=as_of, conn=conn)
    return History([stream_id], events[:HISTORY_EVENTS], len(events) > HISTORY_EVENTS)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_BY_TOKEN = (
    "SELECT DISTINCT stream_id FROM events WHERE version = 1 AND stream_id LIKE ANY($1::text[]) "
    "ORDER BY stream_id LIMIT $2"
)
_BY_DATA = (
    "SELECT stream_id FROM events WHERE strpos(data::text, $1) > 0 "
    "GROUP BY stream_id ORDER BY min(position) LIMIT $2"
)


async def person_stream_ids(
    conn: Connection, pseudonyms: Pseudonyms, purposes: Sequence[str], resident: str
) -> tuple[list[str], bool]:
    """The ids of the streams about the person (see the module docstring), and whether the bound
    cut the list short."""
    found: list[str] = []
    if purposes:
        patterns = [_like(pseudonyms.token(p, resident)) for p in purposes]
        rows = await conn.fetch(_BY_TOKEN, patterns, PERSON_STREAMS + 1)
        found.extend(r["stream_id"] for r in rows)
    rows = await conn.fetch(_BY_DATA, f'"{resident}"', PERSON_STREAMS + 1)
    for r in rows:
        if r["stream_id"] not in found:
            found.append(r["stream_id"])
    return found[:PERSON_STREAMS], len(found) > PERSON_STREAMS


async def person_history(
    store: EventStore,
    pseudonyms: Pseudonyms,
    purposes: Sequence[str],
    resident: str,
    *,
    as_of: datetime | Checkpoint | None = None,
) -> History:
    """The person's events across the service's streams, in the order recorded (as known at
    ``as_of``); an empty history when the service has nothing about the person."""
    async with store.pool.acquire() as conn:
        streams, truncated = await person_stream_ids(conn, pseudonyms, purposes, resident)
        events: list[RecordedEvent] = []
        for stream_id in streams:
            try:
                events.extend(e for e in await store.read_stream(stream_id, conn=conn) if _known(e, as_of))
            except StreamNotFoundError:
                continue
    events.sort(key=lambda e: (e.tx, e.position))
    kept = [s for s in streams if any(e.stream_id == s for e in events)]
    return History(kept, events[:HISTORY_EVENTS], truncated or len(events) > HISTORY_EVENTS)


__all__ = [
    "HISTORY_EVENTS",
    "PERSON_STREAMS",
    "History",
    "entry",
    "jsonable",
    "person_history",
    "person_stream_ids",
    "stream_history",
]
