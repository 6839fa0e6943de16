"""Typed errors of the event store. Every failure a caller can act on has its own class."""

from __future__ import annotations


class EventStoreError(Exception):
    """Base class of every error the event store raises on purpose."""


class ConcurrencyError(EventStoreError):
    """The stream was not at the expected version: another writer got there first.

    Command handlers catch this, reload the stream and decide again.
    """

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id!r} is at version {actual}, expected {expected}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class StreamNotFoundError(EventStoreError):
    """The stream has no events (reading it, or appending at a version > 0 to it)."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(f"stream {stream_id!r} does not exist")
        self.stream_id = stream_id


class EventIdConflictError(EventStoreError):
    """An event id was re-sent with different content, or to a different place.

    Re-sending the *same* events is idempotent and returns the original positions;
    re-using an id for something else is a bug in the caller and is refused.
    """

    def __init__(self, event_ids: list[str], reason: str) -> None:
        super().__init__(f"event id(s) {', '.join(event_ids)} already recorded: {reason}")
        self.event_ids = event_ids
        self.reason = reason


class StoreUnavailableError(EventStoreError):
    """PostgreSQL could not be reached (restart, failover); nothing was written. Try again later."""


class InvalidEventError(EventStoreError, ValueError):
    """The event or the append request is malformed; nothing was written."""


class UnpublishableEventError(InvalidEventError):
    """The event's published (contract) form cannot be built, does not validate, or is over the
    broker's size limit: it is refused before anything commits (DESIGN §5a), so that the relay
    never meets it. ``field`` is the contract field at fault, when one is."""

    def __init__(self, event_type: str, reason: str, *, field: str | None = None) -> None:
        super().__init__(f"{event_type} cannot be published: {reason}")
        self.event_type = event_type
        self.reason = reason
        self.field = field


# Domain errors live in the kernel (no I/O); re-exported here for the runtime's own use.
from minzheng_kernel.errors import Conflict, DomainError, NotFound  # noqa: E402

__all__ = [
    "ConcurrencyError",
    "Conflict",
    "DomainError",
    "EventIdConflictError",
    "EventStoreError",
    "InvalidEventError",
    "NotFound",
    "StoreUnavailableError",
    "StreamNotFoundError",
    "UnpublishableEventError",
]
