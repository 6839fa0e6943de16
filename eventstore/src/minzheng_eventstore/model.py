"""The records the store takes and gives back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator

STREAM_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,199}$")
EVENT_TYPE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,99}$")

ANY_VERSION = -1
"""Expected version that appends at the end of the stream whatever its version (no concurrency check)."""

NO_STREAM = 0
"""Expected version of a stream that must not exist yet."""


class EventMetadata(BaseModel):
    """Who, why and where of an event (Marten's ``mt_events`` columns, EventStoreDB metadata)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    traceparent: str | None = Field(default=None, max_length=128)
    actor: str | None = Field(default=None, max_length=200)
    jurisdiction: str | None = Field(default=None, pattern=r"^\d{6}(\d{3}){0,2}$")


class NewEvent(BaseModel):
    """An event to append. ``event_id`` is chosen by the client so that re-sending is idempotent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: str
    data: dict[str, Any]
    occurred_at: datetime
    event_id: UUID = Field(default_factory=uuid4)
    schema_version: int = Field(default=1, ge=1, le=10_000)
    metadata: EventMetadata = EventMetadata()

    @field_validator("event_type")
    @classmethod
    def _event_type_is_a_name(cls, value: str) -> str:
        if not EVENT_TYPE_PATTERN.match(value):
            raise ValueError(
                "event_type must be a name of letters, digits, '_' or '.', starting with a letter"
            )
        return value

    @field_validator("occurred_at")
    @classmethod
    def _occurred_at_is_aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware (domain time is explicit)")
        return value


@dataclass(frozen=True, order=True, slots=True)
class Checkpoint:
    """A place in the global order, which is ``(transaction id, position)``.

    Rows are read in ``(tx, position)`` order and only once every transaction below the
    oldest one still running has finished, so a tailer that resumes after its checkpoint
    never skips a row that commits later (see ``store.read_all``).
    """

    tx: int = 0
    position: int = 0

    def __str__(self) -> str:
        return f"{self.tx}:{self.position}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        tx, _, position = text.partition(":")
        return cls(int(tx), int(position))


START = Checkpoint(0, 0)


class RecordedEvent(NamedTuple):
    """An event as the store holds it, with its place in its stream and in the global order.

    A named tuple rather than a frozen dataclass: as immutable, and built ten times faster, which
    matters on the paths that read hundreds of thousands of them (rebuild, relay, tailing)."""

    stream_id: str
    stream_type: str
    version: int
    position: int
    tx: int
    event_id: UUID
    event_type: str
    schema_version: int
    data: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    traceparent: str | None = None
    actor: str | None = None
    jurisdiction: str | None = None

    @property
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(self.tx, self.position)


@dataclass(frozen=True, slots=True)
class AppendResult:
    """Where the appended events landed. ``duplicate`` is true when nothing was written
    because the same events had already been appended (an idempotent retry)."""

    stream_id: str
    first_version: int
    last_version: int
    positions: tuple[int, ...]
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A folded state of a stream at ``version``, so long streams load quickly."""

    stream_id: str
    version: int
    state: dict[str, Any]
    schema_version: int = 1
    taken_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Page:
    """One read of a tailer (``EventStore.read_page``): the events it wants from the next rows of
    the global order, and where the read ended.

    ``end`` may lie beyond the last event: rows of other stream types were read past, and a tailer
    that resumes from ``end`` does not read them again. ``scanned`` counts the rows read; a page
    whose ``scanned`` is the limit was full (more may follow at once), 0 means caught up.
    """

    events: list[RecordedEvent]
    end: Checkpoint
    scanned: int
