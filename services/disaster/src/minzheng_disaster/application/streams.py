"""The disaster service's three kinds of stream (aggregates): incident, affected household, warehouse."""

from __future__ import annotations

import uuid

from minzheng_eventstore.pseudonym import Pseudonyms
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


HOUSEHOLD_PSEUDONYM = "disaster-affected-household"
"""The purpose of the keyed pseudonym in a household's stream id."""


def household_key(pseudonyms: Pseudonyms, incident_id: uuid.UUID | str, head: str) -> uuid.UUID:
    """The household's key on an incident: a keyed pseudonym of (incident, head's resident ID),
    with the deployment's secret, so it cannot be reversed from the source (an unkeyed uuid5 of
    a resident ID can), and one person's households on two incidents are not linkable."""
    return pseudonyms.uuid(HOUSEHOLD_PSEUDONYM, f"{incident_id}/{head}")


def household_stream(pseudonyms: Pseudonyms, incident_id: uuid.UUID | str, head: str) -> str:
    """``affected-<incident>-<pseudonym>``: no resident ID appears in a stream id."""
    return f"affected-{incident_id}-{household_key(pseudonyms, incident_id, head)}"


def incident_of(stream_id: str) -> str:
    """The incident id in a household's stream id ``affected-<incident>-<pseudonym>``."""
    return stream_id[len("affected-") : len("affected-") + 36]
