"""State as of a moment (某时点状态), side by side: what the service *knew then* against what it
*knows now about then*.

- **known then**: the stream's events recorded up to the moment (a time, or a position
  ``tx:position`` of the global order), folded with the stream's aggregate;
- **known now about then**: every event of the stream that *occurred* at or before the moment,
  whenever it was recorded, folded the same way. The difference is the late facts and
  corrections recorded since (``late``: occurred by then, recorded after), and what was recorded
  by then to take effect later (``ahead``).

For a position, the moment's time is the recorded time of the stream's last event known then.
One read of the stream answers both sides (the bench holds it under 20 ms at p99 for 200 events).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minzheng_kernel.errors import DomainError

from .history import entry, jsonable
from .model import Checkpoint, RecordedEvent
from .store import Connection, EventStore
from .uow import Aggregate

_POSITION = re.compile(r"^\d{1,20}:\d{1,20}$")


def parse_moment(text: str, *, field: str = "as_of") -> datetime | Checkpoint:
    """``2026-03-01T09:00:00+08:00`` (a time with its offset) or ``<tx>:<position>``; a 422
    naming ``field`` otherwise."""
    if _POSITION.match(text):
        return Checkpoint.parse(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "invalid_as_of",
            "as_of is a time with its offset (ISO 8601) or a position tx:position",
            field=field,
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError("invalid_as_of", "as_of needs its offset (e.g. +08:00)", field=field)
    return moment


@dataclass(frozen=True, slots=True)
class AsOf:
    """Both sides of one stream at one moment."""

    stream_id: str
    stream_type: str
    moment: datetime | Checkpoint
    at: datetime | None
    """The moment's time (for a position: the recorded time of the last event known then)."""
    known_then: list[RecordedEvent]
    known_now: list[RecordedEvent]
    state_then: Any
    state_now: Any
    folded: bool
    """Whether the states are folded with the stream's aggregate (else only the events are shown)."""

    @property
    def late(self) -> list[RecordedEvent]:
        then = {e.event_id for e in self.known_then}
        return [e for e in self.known_now if e.event_id not in then]

    @property
    def ahead(self) -> list[RecordedEvent]:
        now = {e.event_id for e in self.known_now}
        return [e for e in self.known_then if e.event_id not in now]

    def as_json(self) -> dict[str, Any]:
        return {
            "stream_id": self.stream_id,
            "stream_type": self.stream_type,
            "as_of": str(self.moment) if isinstance(self.moment, Checkpoint) else self.moment.isoformat(),
            "at": None if self.at is None else self.at.isoformat(),
            "folded": self.folded,
            "known_then": {
                "version": self.known_then[-1].version if self.known_then else 0,
                "events": [entry(e, data=False) for e in self.known_then],
                "state": jsonable(self.state_then),
            },
            "known_now": {
                "version": self.known_now[-1].version if self.known_now else 0,
                "events": [entry(e, data=False) for e in self.known_now],
                "state": jsonable(self.state_now),
            },
            "late": [entry(e) for e in self.late],
            "ahead": [entry(e) for e in self.ahead],
            "same": self.late == [] and self.ahead == [],
        }


def _fold(aggregate: Aggregate[Any] | None, events: list[RecordedEvent]) -> Any:
    if aggregate is None:
        return None
    return aggregate.fold(events)


def sides(
    events: list[RecordedEvent],
    moment: datetime | Checkpoint,
    aggregate: Aggregate[Any] | None,
) -> AsOf:
    """Both sides from the stream's events (pure: the bench and the unit tests call it)."""
    if isinstance(moment, Checkpoint):
        cut = (moment.tx, moment.position)
        then = [e for e in events if (e.tx, e.position) <= cut]
        at = then[-1].recorded_at if then else None
    else:
        then = [e for e in events if e.recorded_at <= moment]
        at = moment
    now = [] if at is None else [e for e in events if e.occurred_at <= at]
    first = events[0]
    return AsOf(
        first.stream_id,
        first.stream_type,
        moment,
        at,
        then,
        now,
        _fold(aggregate, then),
        _fold(aggregate, now),
        aggregate is not None,
    )


async def state_as_of(
    store: EventStore,
    stream_id: str,
    moment: datetime | Checkpoint,
    aggregates: Mapping[str, Aggregate[Any]],
    *,
    conn: Connection | None = None,
) -> AsOf:
    """The stream at ``moment``, both sides; ``StreamNotFoundError`` if it has no events at all."""
    events = await store.read_stream(stream_id, conn=conn)
    return sides(events, moment, aggregates.get(events[0].stream_type))


__all__ = ["AsOf", "parse_moment", "sides", "state_as_of"]
