"""The disaster service (救灾), declared: the kit wires it (DESIGN §5a)."""

from __future__ import annotations

from minzheng_eventstore.explain import declare_payments
from minzheng_eventstore.kit import BackgroundDef, ServiceDefinition

from . import SERVICE
from .adapters.explain import PAYMENT_RULES
from .adapters.http import router
from .adapters.policy import DISASTER_POLICY
from .adapters.publication import publication
from .adapters.schema import MIGRATIONS
from .application.policies import VULNERABLE
from .application.scheduler import run_scheduler
from .application.streams import HOUSEHOLD, INCIDENT, WAREHOUSE
from .demo import seed_demo
from .domain.events import DISASTER_EVENTS, INTERNAL

SLA_SCHEDULER = BackgroundDef("sla-scheduler", run_scheduler)

DISASTER = ServiceDefinition(
    name=SERVICE,
    title="minzheng disaster relief (救灾)",
    description="Incidents, affected households, relief stock and delivery, 24 h SLA.",
    publication=publication,
    events=DISASTER_EVENTS,
    internal_events=INTERNAL,
    migrations=MIGRATIONS,
    subscriptions=[VULNERABLE],
    background=[SLA_SCHEDULER],
    routers=[router],
    policy=DISASTER_POLICY,
    seed_demo=seed_demo,
    aggregates=(INCIDENT, HOUSEHOLD, WAREHOUSE),
)

declare_payments(SERVICE, *PAYMENT_RULES)
"""The auditor's ``explain`` of its cash relief (``adapters/explain.py``)."""
