"""Publish a range of stored events to NATS again (重新发布): for a provincial system that lost messages.

Each event goes out in the service's own published form (its ``Publication``: the contract forms,
validated as the relay validates them) with the headers the relay gives it, above all the same
``Nats-Msg-Id`` (the event id). A repeat is therefore harmless: JetStream drops it inside its
duplicate window (the PubAck says ``duplicate``) and, beyond it, every consumer's inbox drops it.
A consumer that never had the message (created after the stream was purged, or whose system lost
it) handles it once.

The range is by place in the global order (``position``, inclusive), by recorded time
(``since`` inclusive, ``until`` exclusive), by stream, or any of them together. Internal events
(no published form) are counted and passed over. The relay's checkpoint is not touched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nats.js import JetStreamContext

from .errors import UnpublishableEventError
from .model import START, Checkpoint, RecordedEvent
from .relay import (
    DEFAULT_MAX_PAYLOAD,
    OutgoingMessage,
    Publication,
    _headers,
    each_message,
    published_form,
)
from .store import _COLUMNS, EventStore

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Range:
    """Which events to publish again; every bound given must hold."""

    from_position: int | None = None
    to_position: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    stream: str | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        bounds = (self.from_position, self.to_position, self.since, self.until, self.stream)
        if all(b is None for b in bounds):
            raise ValueError("give a range: positions, times or a stream")


@dataclass(slots=True)
class RepublishReport:
    events: int = 0
    published: int = 0
    """Messages acknowledged by JetStream (an event may have more than one form)."""
    duplicates: int = 0
    """Of those, the ones JetStream dropped as repeats inside its duplicate window."""
    internal: int = 0
    failed: int = 0
    first_position: int | None = None
    last_position: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "published": self.published,
            "duplicates": self.duplicates,
            "internal": self.internal,
            "failed": self.failed,
            "first_position": self.first_position,
            "last_position": self.last_position,
        }


_RANGE = f"""
SELECT {_COLUMNS} FROM events
WHERE (tx, position) > ($1::text::xid8, $2::bigint)
  AND ($3::bigint IS NULL OR position >= $3) AND ($4::bigint IS NULL OR position <= $4)
  AND ($5::timestamptz IS NULL OR recorded_at >= $5) AND ($6::timestamptz IS NULL OR recorded_at < $6)
  AND ($7::text IS NULL OR stream_id = $7)
ORDER BY events.tx, events.position
LIMIT $8
"""


def forms(publication: Publication, event: RecordedEvent, max_payload: int) -> tuple[OutgoingMessage, ...]:
    """Every published form of ``event`` (none for an internal event; during a contract's migration
    window a publication gives more than one, e.g. v1 and v2: ``migration_window``), each checked
    as the relay checks it (``published_form``: ``UnpublishableEventError`` when it cannot be)."""
    return each_message(published_form(publication, event, max_payload=max_payload))


async def events_in(
    store: EventStore, span: Range, *, after: Checkpoint = START, limit: int = 1000
) -> list[RecordedEvent]:
    """The next ``limit`` events of ``span`` after ``after``, in the global order."""
    args = (
        str(after.tx),
        after.position,
        span.from_position,
        span.to_position,
        span.since,
        span.until,
        span.stream,
        limit,
    )
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(_RANGE, *args)
    return [store._decode(r) for r in rows]  # the store's decoding: upcasters applied


async def republish(
    store: EventStore,
    js: JetStreamContext,
    publication: Publication,
    span: Range,
    *,
    batch_size: int = 500,
    max_payload: int = DEFAULT_MAX_PAYLOAD,
    ack_timeout: float = 30.0,
    progress: Progress | None = None,
) -> RepublishReport:
    """Publish ``span`` again, a batch at a time (publishes pipelined, then every PubAck awaited)."""
    report = RepublishReport()
    after = START
    while True:
        events = await events_in(store, span, after=after, limit=batch_size)
        if not events:
            return report
        await _publish_batch(js, publication, events, report, max_payload, ack_timeout)
        after = events[-1].checkpoint
        if report.first_position is None:
            report.first_position = events[0].position
        report.last_position = events[-1].position
        if progress is not None:
            progress(len(events))


async def _publish_batch(
    js: JetStreamContext,
    publication: Publication,
    events: Sequence[RecordedEvent],
    report: RepublishReport,
    max_payload: int,
    ack_timeout: float,
) -> None:
    futures: list[asyncio.Future[Any]] = []
    for event in events:
        report.events += 1
        try:
            messages = forms(publication, event, max_payload)
        except UnpublishableEventError:
            report.failed += 1
            continue
        if not messages:
            report.internal += 1
        for message in messages:
            futures.append(
                await js.publish_async(message.subject, message.payload, headers=_headers(event, message))
            )
    if not futures:
        return
    await asyncio.wait(futures, timeout=ack_timeout)
    for future in futures:
        if not future.done() or future.cancelled():
            future.cancel()
            report.failed += 1
        elif future.exception() is not None:
            report.failed += 1
        else:
            report.published += 1
            report.duplicates += int(bool(getattr(future.result(), "duplicate", False)))


__all__ = ["Range", "RepublishReport", "events_in", "forms", "republish"]
