"""A service's lines of work (areas), declared and put together into its one ``ServiceDefinition``.

A service whose work falls into separate lines (the registry's marriage, burial, places and
archive; the veterans service's entitled persons, pensions, deaths, conscripts, placement and aid)
declares each as an ``Area``: its typed events, its publishers, migrations, routers, permissions,
subscriptions, projections, background tasks and demo seed. ``compose`` puts the areas together;
an event type or a permission claimed by two areas is a wiring error, raised at import (so every
test finds it).

    AREAS = (configuration.AREA, marriage.AREA, burial.AREA)
    REGISTRY = compose(SERVICE, title="…", description="…", areas=AREAS, migrations=MIGRATIONS)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter

from minzheng_kernel.events import EventTypes

from .access import Policy
from .context import ServiceContext
from .host import Migration
from .identity import Role
from .kit import BackgroundDef, ProjectionDef, ServiceDefinition, Subscription
from .model import RecordedEvent
from .relay import OutgoingMessage
from .uow import Aggregate

Publish = Callable[[RecordedEvent], OutgoingMessage | None]
"""An area's publication for one of its event types: the contract message, or None (not published)."""

Seed = Callable[[ServiceContext], Awaitable[object]]


@dataclass(frozen=True)
class Area:
    """One line of a service's work (业务板块), declared."""

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
    seed_demo: Seed | None = None

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


def publication_of(publishers: Mapping[str, Publish]) -> Callable[[RecordedEvent], OutgoingMessage | None]:
    """One publication over the areas' publishers: an event type no area publishes is internal."""

    def publication(event: RecordedEvent) -> OutgoingMessage | None:
        publish = publishers.get(event.event_type)
        return None if publish is None else publish(event)

    return publication


def events_of(areas: Sequence[Area]) -> EventTypes:
    """Every area's event types in one registry (a type registered twice raises)."""
    events = EventTypes()
    for area in areas:
        events = events | area.events
    return events


def seeds_of(areas: Sequence[Area], first: Seed | None = None) -> Callable[[ServiceContext], Awaitable[None]]:
    """The demo seed: ``first`` (e.g. the national standards), then every area's, in order; each
    is idempotent."""

    async def seed_demo(ctx: ServiceContext) -> None:
        if first is not None:
            await first(ctx)
        for area in areas:
            if area.seed_demo is not None:
                await area.seed_demo(ctx)

    return seed_demo


def compose(
    name: str,
    *,
    title: str,
    description: str,
    areas: Sequence[Area],
    migrations: Sequence[Migration] = (),
    seed_first: Seed | None = None,
    aggregates: Sequence[Aggregate[Any]] = (),
    person_purposes: Sequence[str] = (),
) -> ServiceDefinition:
    """The service's one definition from its areas (the kit wires the rest)."""
    return ServiceDefinition(
        name=name,
        title=title,
        description=description,
        publication=publication_of(merged(areas, "publishers")),
        events=events_of(areas),
        internal_events=frozenset().union(*(a.internal for a in areas)),
        migrations=[*migrations, *(m for a in areas for m in a.migrations)],
        subscriptions=[s for a in areas for s in a.subscriptions],
        projections=[p for a in areas for p in a.projections],
        background=[b for a in areas for b in a.background],
        routers=[r for a in areas for r in a.routers],
        policy=Policy(merged(areas, "permissions")),
        seed_demo=seeds_of(areas, seed_first),
        aggregates=aggregates,
        person_purposes=person_purposes,
    )


__all__ = ["Area", "Publish", "Seed", "compose", "events_of", "merged", "publication_of", "seeds_of"]
