"""One line of the registry's work (婚姻, 殡葬, 地名门牌, 历史档案), declared: its events, its
contracts, its tables, its routes and permissions. ``service.py`` puts the areas together into the
one ``ServiceDefinition``; nothing else in an area knows the others are there, except through the
shared pieces (``application/people.py``: a person's streams and the death lookup).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter

from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import Migration
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef, ProjectionDef, Subscription
from minzheng_kernel.events import EventTypes

Publish = Callable[[RecordedEvent], OutgoingMessage | None]
"""An area's publication for one of its event types: the contract message, or None (not published)."""


@dataclass(frozen=True)
class Area:
    name: str
    events: EventTypes
    publishers: Mapping[str, Publish] = field(default_factory=dict)
    """event type → its publication; every other event type of the area is internal."""
    migrations: Sequence[Migration] = ()
    routers: Sequence[APIRouter] = ()
    permissions: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    subscriptions: Sequence[Subscription] = ()
    projections: Sequence[ProjectionDef] = ()
    background: Sequence[BackgroundDef] = ()
    seed_demo: Callable[[ServiceContext], Awaitable[None]] | None = None

    @property
    def internal(self) -> frozenset[str]:
        return self.events.names - frozenset(self.publishers)


def merged(areas: Sequence[Area], what: str) -> dict[str, Any]:
    """The areas' ``publishers`` or ``permissions`` in one mapping; a name claimed twice is a
    wiring error (found at import, so by every test)."""
    out: dict[str, Any] = {}
    for area in areas:
        for name, value in getattr(area, what).items():
            if name in out:
                raise ValueError(f"{what}: {name} is declared twice (area {area.name})")
            out[name] = value
    return out
