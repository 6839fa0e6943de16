"""Care institutions (养老机构, eldercare-rules §3 "Institution", "Residency"): registration (备案)
with the beds, kind and operating model; beds added or removed; unregistered homes as cases to
follow up; residents admitted under an agreement with a care level, leave and return (leave past
its return date flagged once, on the kit's durable deadlines), medical visits, discharge home, to a
transfer or at death (the registry's ``DeathRegistered``, durable consumer
``eldercare-residency-deaths-v1``).

Streams ``institution-<id>``, ``residency-<institution>.<residency>``, ``unregistered-home-<id>``.
Guard tables: ``institution_standing`` (the service's: inserted at registration, updated by the
inspections area, read ``FOR SHARE`` by an admission), ``institution_beds`` (occupied ≤ beds) and
``institution_stays`` (one open stay per person, by pseudonym). ``ResidentAdmitted`` and
``ResidentDischarged`` are published as the contracts of the same names; the rest is internal.

Decided where the rules are silent: a transfer is a discharge here and an admission there (two
commands); a death recorded before the admission day discharges on the admission day; a leave is at
most ``institutions.leave_max_days``; a late return is recorded as late."""

from __future__ import annotations

from minzheng_contracts import DeathRegistered
from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef, Subscription

from ...application.institutions.deaths import on_death_registered
from ...application.institutions.scheduler import run_scheduler
from ...domain.institutions.institution import INSTITUTION_EVENTS
from ...domain.institutions.residency import RESIDENCY_EVENTS
from ...domain.institutions.unregistered import UNREGISTERED_EVENTS
from ..common import OFFICIALS
from . import demo, http_institutions, http_residents, publication, schema

DEATHS = Subscription(
    "residency-deaths",
    1,
    "REGISTRY",
    DeathRegistered.SUBJECT,
    on_death_registered,
    contracts=(DeathRegistered,),
    actor="registry-policy",
)
"""The durable consumer ``eldercare-residency-deaths-v1``."""

AREA = Area(
    name="institutions",
    events=INSTITUTION_EVENTS | RESIDENCY_EVENTS | UNREGISTERED_EVENTS,
    publishers=publication.PUBLISHERS,
    migrations=schema.MIGRATIONS,
    routers=[http_institutions.router, http_residents.router],
    permissions={
        "institutions.register": frozenset({Role.COUNTY_APPROVER}),
        "institutions.follow_up": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "institutions.admit": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "institutions.residents": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "institutions.read": OFFICIALS,
    },
    subscriptions=[DEATHS],
    background=[BackgroundDef("residency-leave-deadlines", run_scheduler)],
    seed_demo=demo.seed_demo,
)

__all__ = ["AREA", "DEATHS"]
