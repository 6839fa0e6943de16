"""The veterans service (优抚安置), declared: its areas put together, the kit wires the rest."""

from __future__ import annotations

from minzheng_eventstore import deadlines
from minzheng_eventstore.areas import Area, compose
from minzheng_eventstore.explain import declare_payments
from minzheng_eventstore.host import Migration
from minzheng_eventstore.standards import standards_table_sql

from . import SERVICE
from .adapters import aid, configuration, conscripts, death, entitlement, pensions, placement
from .adapters.explain import PAYMENT_RULES
from .application.aid import grants
from .application.configuration import load_national_standards
from .application.conscripts import handlers as conscripts_handlers
from .application.conscripts.streams import CONSCRIPT
from .application.death.streams import CASE
from .application.entitlement.streams import ENTITLEMENT, PERSON_PURPOSE
from .application.placement import handlers as placement_handlers
from .application.placement.streams import SOLDIER

AREAS: tuple[Area, ...] = (
    configuration.AREA,
    conscripts.AREA,
    placement.AREA,
    aid.AREA,
    pensions.AREA,
    entitlement.AREA,
    death.AREA,
)
"""The standards, conscripts' family allowance, discharged soldiers' placement, other aid, the
pension run, the entitled persons and the reaction to a death.
Demo data is seeded in this order, after the national standards."""

MIGRATIONS = [Migration("0001_veterans_standards", standards_table_sql("standards")), deadlines.MIGRATION]

VETERANS = compose(
    SERVICE,
    title="minzheng veterans (优抚安置)",
    description="Entitled persons and their pensions, death benefits, conscripts' family allowance, "
    "discharged soldiers' placement, other aid.",
    areas=AREAS,
    migrations=MIGRATIONS,
    seed_first=load_national_standards,
    aggregates=(ENTITLEMENT, CASE, CONSCRIPT, SOLDIER),
    person_purposes=(
        PERSON_PURPOSE,
        grants.PERSON_PURPOSE,
        conscripts_handlers.PERSON_PURPOSE,
        placement_handlers.PERSON_PURPOSE,
    ),
)

declare_payments(SERVICE, *PAYMENT_RULES)
