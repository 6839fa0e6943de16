"""The disaster service's three kinds of stream (aggregates): incident, affected household, warehouse."""

from __future__ import annotations

import uuid

from minzheng_eventstore.uow import Aggregate

from ..domain import household, incident, warehouse
from ..domain.events import HOUSEHOLD_EVENTS, INCIDENT_EVENTS, WAREHOUSE_EVENTS

INCIDENT = Aggregate("incident", INCIDENT_EVENTS, incident.Incident, incident.evolve)
"""``incident-<id>``: report, verification, allocations."""
HOUSEHOLD = Aggregate("affected", HOUSEHOLD_EVENTS, household.Household, household.evolve)
"""``affected-<incident>-<key>``: registration, deliveries, SLA outcome and alerts."""
WAREHOUSE = Aggregate("warehouse", WAREHOUSE_EVENTS, warehouse.Warehouse, warehouse.evolve)
"""``warehouse-<name>``: receipts."""

SLA_DEADLINE = "relief-sla"
"""The kind of the households' deadlines in the shared ``deadlines`` table."""


def incident_stream(incident_id: uuid.UUID | str) -> str:
    return f"incident-{incident_id}"


def warehouse_stream(name: str) -> str:
    return f"warehouse-{name}"


household_stream = household.household_stream
