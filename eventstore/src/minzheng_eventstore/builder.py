"""The one event builder: typed facts → events to append (ids, time, metadata).

Every service builds its events here, so that each event carries the same metadata: who (the
actor, from ``access.permit``: the token's subject), why (correlation and causation), where (the
jurisdiction) and when (the injected clock, or a time the command gives, such as a report time).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from minzheng_kernel.clock import Clock
from minzheng_kernel.errors import Forbidden
from minzheng_kernel.events import DomainEvent

from .model import EventMetadata, NewEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who issues a command, and the request or message it came with.

    ``name`` is the caller's identity (the verified token's subject), ``correlation_id`` follows
    one case across services, ``causation_id`` is the event that caused this command (a consumed
    message)."""

    name: str
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    jurisdiction: str | None = None
    """The division the caller may act in (from its token); ``None`` for the service's own policies
    and schedulers, which act county-wide."""
    roles: frozenset[str] = frozenset()

    def within(self, code: str) -> bool:
        """``code`` lies in the caller's subtree (always, for a policy or scheduler)."""
        return self.jurisdiction is None or code.startswith(self.jurisdiction)

    def require_within(self, code: str, field: str) -> None:
        """Refuse (403 ``outside_jurisdiction``) a command or query about a place outside the
        caller's subtree."""
        if not self.within(code):
            raise Forbidden(
                "outside_jurisdiction",
                f"{code} is outside the division {self.jurisdiction} this caller may reach",
                field=field,
            )


@functools.lru_cache(maxsize=4096)
def _metadata(
    correlation_id: UUID | None, causation_id: UUID | None, actor: str, jurisdiction: str | None
) -> EventMetadata:
    # immutable, and the same for every event of a bulk run in one village
    return EventMetadata(
        correlation_id=correlation_id, causation_id=causation_id, actor=actor, jurisdiction=jurisdiction
    )


@dataclass(frozen=True, slots=True)
class EventBuilder:
    """Builds the events of one command for one actor."""

    clock: Clock
    actor: Actor
    default_jurisdiction: str | None = None

    def metadata(self, jurisdiction: str | None = None) -> EventMetadata:
        return _metadata(
            self.actor.correlation_id,
            self.actor.causation_id,
            self.actor.name,
            jurisdiction or self.default_jurisdiction,
        )

    def build(
        self,
        facts: Sequence[DomainEvent],
        *,
        jurisdiction: str | None = None,
        at: datetime | None = None,
        event_ids: Sequence[UUID] | None = None,
    ) -> list[NewEvent]:
        """One ``NewEvent`` per fact. ``at`` is the domain time (default: the clock's now);
        ``event_ids`` are deterministic ids where a repeat must be recognised (default: new)."""
        if event_ids is not None and len(event_ids) != len(facts):
            raise ValueError("one event id per fact")
        moment = at or self.clock.now()
        meta = self.metadata(jurisdiction)
        return [
            self.one(fact, meta=meta, at=moment, event_id=None if event_ids is None else event_ids[i])
            for i, fact in enumerate(facts)
        ]

    def one(
        self, fact: DomainEvent, *, meta: EventMetadata, at: datetime, event_id: UUID | None = None
    ) -> NewEvent:
        chosen = {} if event_id is None else {"event_id": event_id}  # else a new one (uuid4)
        return NewEvent(
            event_type=fact.event_type,
            schema_version=fact.schema_version,
            data=fact.to_data(),
            occurred_at=at,
            metadata=meta,
            **chosen,
        )
