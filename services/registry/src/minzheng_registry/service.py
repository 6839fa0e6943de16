"""The registry service (民政登记), declared: its areas put together, the kit wires the rest."""

from __future__ import annotations

from minzheng_eventstore.access import Policy
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.kit import ServiceDefinition
from minzheng_kernel.events import EventTypes

from . import SERVICE
from .adapters import archive, burial, configuration, marriage, places
from .adapters.publication import publication_of
from .adapters.schema import MIGRATIONS
from .area import Area, merged

AREAS: tuple[Area, ...] = (configuration.AREA, marriage.AREA, burial.AREA, places.AREA, archive.AREA)
"""Shared configuration (standards, calendar), marriage and death, funeral and burial, place names
and house numbers, the historical archive."""


def _events(areas: tuple[Area, ...]) -> EventTypes:
    events = EventTypes()
    for area in areas:
        events = events | area.events
    return events


async def seed_demo(ctx: ServiceContext) -> None:
    """Every area's demo data, in order (configuration first); each is idempotent."""
    for area in AREAS:
        if area.seed_demo is not None:
            await area.seed_demo(ctx)


REGISTRY = ServiceDefinition(
    name=SERVICE,
    title="minzheng registry (婚姻登记 · 殡葬 · 地名门牌)",
    description="Marriage and divorce, deaths, funeral and burial, place names and house numbers.",
    publication=publication_of(merged(AREAS, "publishers")),
    events=_events(AREAS),
    internal_events=frozenset().union(*(a.internal for a in AREAS)),
    migrations=[*MIGRATIONS, *(m for a in AREAS for m in a.migrations)],
    subscriptions=[s for a in AREAS for s in a.subscriptions],
    projections=[p for a in AREAS for p in a.projections],
    background=[b for a in AREAS for b in a.background],
    routers=[r for a in AREAS for r in a.routers],
    policy=Policy(merged(AREAS, "permissions")),
    seed_demo=seed_demo,
)
