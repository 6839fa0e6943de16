"""Every internal event type either maps to a contract that validates or is declared internal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from minzheng_contracts import make_resident_id
from minzheng_disaster.domain import events as e
from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

AT = datetime(2026, 7, 14, 6, 0, tzinfo=UTC)
INCIDENT = str(uuid.uuid4())
HEAD = make_resident_id("330727", datetime(1950, 3, 1).date(), 1).reveal()
DEADLINE, WARN = (AT + timedelta(hours=24)).isoformat(), (AT + timedelta(hours=18)).isoformat()

FACTS: list[tuple[str, DomainEvent]] = [
    (
        "incident",
        e.DisasterReported(INCIDENT, "flood", ["330727101"], AT.isoformat(), AT.isoformat(), "r", None),
    ),
    ("incident", e.IncidentVerified("12 houses flooded")),
    ("incident", e.ReliefAllocated("doc-1", 200_000, {"quilt": 6}, "w1")),
    ("warehouse", e.StockReceived("quilt", 10)),
    (
        "affected",
        e.HouseholdRegistered(
            INCIDENT,
            HEAD,
            "330727101201",
            3,
            1,
            "severe",
            {"cash": True},
            False,
            AT.isoformat(),
            DEADLINE,
            WARN,
            "sla:default",
            0,
            False,
        ),
    ),
    (
        "affected",
        e.ReliefDelivered(INCIDENT, 50_000, {"quilt": 1}, "o", AT.isoformat(), HEAD, str(uuid.uuid4())),
    ),
    ("affected", e.CashReliefPaid(INCIDENT, HEAD, 50_000, "doc-1")),
    ("affected", e.ReliefSlaMet(INCIDENT, DEADLINE, AT.isoformat())),
    ("affected", e.ReliefSlaAtRisk(INCIDENT, DEADLINE, WARN, WARN, "330727")),
    ("affected", e.ReliefSlaBreached(INCIDENT, DEADLINE, WARN, DEADLINE, "330727")),
    ("affected", e.DeliveryFlaggedForReview(INCIDENT, str(uuid.uuid4()), DEADLINE, AT.isoformat(), DEADLINE)),
]


def recorded(stream_type: str, fact: DomainEvent, n: int) -> RecordedEvent:
    return sample_recorded(
        fact, n, stream_type=stream_type, stream_id=f"{stream_type}-{INCIDENT}-{n}", actor="official-9"
    )


def test_every_event_type_is_published_or_declared_internal() -> None:
    service = Disaster(ServiceSettings("disaster", "postgresql://unused/db", "nats://unused:4222"))
    samples = [recorded(kind, fact, n) for n, (kind, fact) in enumerate(FACTS, start=1)]
    assert publication_mapping_problems(service, samples) == []
