"""The assistance service, declared: the kit (``minzheng_eventstore.kit``) wires the rest."""

from __future__ import annotations

from minzheng_contracts import DeathRegistered
from minzheng_contracts.eldercare import ResidentAdmitted, ResidentDischarged
from minzheng_contracts.places import DivisionRecorded
from minzheng_contracts.registry import DivorceRegistered, MarriageRegistered
from minzheng_eventstore.explain import declare_payments
from minzheng_eventstore.kit import ProjectionDef, ServiceDefinition, Subscription

from . import SERVICE
from .adapters import projection as read_models
from .adapters.explain import PAYMENT_RULES
from .adapters.http import router
from .adapters.policy import ASSISTANCE_POLICY
from .adapters.publication import INTERNAL, publication
from .adapters.schema import MIGRATIONS
from .application.policies import on_death_registered, on_division_recorded, on_marriage_event
from .application.residency import on_residency_event
from .application.streams import HOUSEHOLD, MEDICAL, MEDICAL_PURPOSE, TEKUN, TEMPORARY
from .demo import seed_demo
from .domain.events import ALL_EVENTS
from .domain.other_aid import RESIDENCY_ACTOR

ASSISTANCE = ServiceDefinition(
    name=SERVICE,
    title="minzheng assistance (社会救助)",
    description="低保 from application to monthly payment; 特困 support; temporary and medical aid.",
    publication=publication,
    events=ALL_EVENTS,
    internal_events=INTERNAL,
    migrations=MIGRATIONS,
    subscriptions=[
        Subscription(
            "deaths",
            1,
            "REGISTRY",
            "registry.death.registered",
            on_death_registered,
            contracts=(DeathRegistered,),
            actor="registry-policy",
        ),
        Subscription(
            "marriages",
            1,
            "REGISTRY",
            "registry.marriage.>",
            on_marriage_event,
            contracts=(MarriageRegistered, DivorceRegistered),
            actor="registry-policy",
        ),
        Subscription(
            "divisions",
            1,
            "REGISTRY",
            DivisionRecorded.SUBJECT,
            on_division_recorded,
            contracts=(DivisionRecorded,),
            actor="registry-policy",
        ),
        Subscription(
            "residency",
            1,
            "ELDERCARE",
            "eldercare.residency.>",
            on_residency_event,
            contracts=(ResidentAdmitted, ResidentDischarged),
            actor=RESIDENCY_ACTOR,
        ),
    ],
    projections=[
        ProjectionDef(read_models.NAME, read_models.project, read_models.STREAM_TYPES, read_models.reset)
    ],
    routers=[router],
    policy=ASSISTANCE_POLICY,
    seed_demo=seed_demo,
    aggregates=(HOUSEHOLD, TEKUN, MEDICAL, TEMPORARY),
    person_purposes=(MEDICAL_PURPOSE,),
)

declare_payments(SERVICE, *PAYMENT_RULES)
"""The auditor's ``explain`` of its payments (``adapters/explain.py``)."""
