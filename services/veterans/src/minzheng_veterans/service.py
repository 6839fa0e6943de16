"""INTERIM (engineer E, until the skeleton lands): the veterans service, declared from its areas."""

from __future__ import annotations

from minzheng_eventstore import deadlines
from minzheng_eventstore.access import Policy
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import Migration
from minzheng_eventstore.kit import ServiceDefinition
from minzheng_eventstore.standards import standards_table_sql
from minzheng_kernel.events import EventTypes
from minzheng_registry.adapters.publication import publication_of
from minzheng_registry.area import Area, merged

from . import SERVICE
from .adapters import aid, conscripts, pensions, placement
from .application.configuration import load_national_standards

AREAS: tuple[Area, ...] = (conscripts.AREA, placement.AREA, aid.AREA, pensions.AREA)
MIGRATIONS = [Migration("0001_veterans_standards", standards_table_sql("standards")), deadlines.MIGRATION]


def _events(areas: tuple[Area, ...]) -> EventTypes:
    events = EventTypes()
    for area in areas:
        events = events | area.events
    return events


async def seed_demo(ctx: ServiceContext) -> None:
    await load_national_standards(ctx)
    for area in AREAS:
        if area.seed_demo is not None:
            await area.seed_demo(ctx)


VETERANS = ServiceDefinition(
    name=SERVICE,
    title="minzheng veterans (优抚安置)",
    description="Conscripts' family allowance, discharged soldiers' placement, other aid.",
    publication=publication_of(merged(AREAS, "publishers")),
    events=_events(AREAS),
    internal_events=frozenset().union(*(a.internal for a in AREAS)),
    migrations=[*MIGRATIONS, *(m for a in AREAS for m in a.migrations)],
    projections=[p for a in AREAS for p in a.projections],
    background=[b for a in AREAS for b in a.background],
    routers=[r for a in AREAS for r in a.routers],
    policy=Policy(merged(AREAS, "permissions")),
    seed_demo=seed_demo,
)
