"""The disaster service's internal events (typed; DESIGN §5a).

Field names are the stored ``data`` keys, unchanged from the untyped events, so that stored
events and the contracts mapping stay compatible. Times are ISO text, amounts integer fen.
"""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_kernel.events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class DisasterReported(DomainEvent):
    """灾情报送: an incident reported (stream ``incident-<id>``)."""

    incident_id: str
    disaster_type: str
    area: list[str]
    happened_at: str
    reported_at: str
    reporter: str
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class IncidentVerified(DomainEvent):
    """查灾/核灾: the township or county verified the report."""

    findings: str


@dataclass(frozen=True, slots=True)
class ReliefAllocated(DomainEvent):
    """Relief allocated to an incident (专款专用: cash by allocation document, items reserved)."""

    document: str
    cash_fen: int
    items: dict[str, int]
    warehouse: str | None = None


@dataclass(frozen=True, slots=True)
class StockReceived(DomainEvent):
    """Stock received into a warehouse (入库; stream ``warehouse-<name>``)."""

    item: str
    quantity: int


@dataclass(frozen=True, slots=True)
class HouseholdRegistered(DomainEvent):
    """An affected household (受灾户; stream ``affected-<incident>-<key>``), with its SLA clock.
    ``head_name`` is the head's name as registered (``""`` on events recorded before it was asked)."""

    incident_id: str
    head: str
    village: str
    members: int
    relocation: int
    damage: str
    needs: dict[str, bool]
    vulnerable: bool
    registered_at: str
    deadline: str
    warn_at: str
    sla_terms: str
    minutes_after_report: int
    late_registration: bool
    head_name: str = ""


@dataclass(frozen=True, slots=True)
class ReliefDelivered(DomainEvent):
    """Relief handed to a household (发放到户). ``delivery_id`` is the command's id (absent on
    events recorded before it was stored in the data). ``delivered_at`` is the time the field team
    claims (bounded: not before the registration, the disaster or the allocation drawn from, not in
    the future); ``recorded_at`` is when the service recorded it. ``drawn`` says which allocation
    each part came from: warehouse (``""`` for cash) → item → quantity."""

    incident_id: str
    cash_fen: int
    items: dict[str, int]
    delivered_by: str
    delivered_at: str
    head: str
    delivery_id: str | None = None
    recorded_at: str | None = None
    drawn: dict[str, dict[str, int]] | None = None


@dataclass(frozen=True, slots=True)
class DeliveryFlaggedForReview(DomainEvent):
    """A delivery recorded after the household's deadline that claims a time within it: the SLA
    counts it as met (deliveries are entered after the fact), and it goes to review (复核)."""

    incident_id: str
    delivery_id: str
    deadline: str
    delivered_at: str
    recorded_at: str
    reason: str = "recorded_after_deadline"


@dataclass(frozen=True, slots=True)
class CashReliefPaid(DomainEvent):
    """Cash relief paid to the household's head, under an allocation document."""

    incident_id: str
    head: str
    cash_fen: int
    document: str


@dataclass(frozen=True, slots=True)
class ReliefSlaMet(DomainEvent):
    """The household got relief by the deadline (24小时救助到位)."""

    incident_id: str
    deadline: str
    delivered_at: str


@dataclass(frozen=True, slots=True)
class ReliefSlaAtRisk(DomainEvent):
    """The warning point passed without relief; escalated to ``escalated_to``."""

    incident_id: str
    deadline: str
    warn_at: str
    raised_at: str
    escalated_to: str


@dataclass(frozen=True, slots=True)
class ReliefSlaBreached(DomainEvent):
    """The deadline passed without relief; ``raised_at`` may be later than ``deadline``."""

    incident_id: str
    deadline: str
    warn_at: str
    raised_at: str
    escalated_to: str


INCIDENT_EVENTS = EventTypes(DisasterReported, IncidentVerified, ReliefAllocated)
WAREHOUSE_EVENTS = EventTypes(StockReceived)
HOUSEHOLD_EVENTS = EventTypes(
    HouseholdRegistered,
    ReliefDelivered,
    CashReliefPaid,
    ReliefSlaMet,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
    DeliveryFlaggedForReview,
)
DISASTER_EVENTS = INCIDENT_EVENTS | WAREHOUSE_EVENTS | HOUSEHOLD_EVENTS

INTERNAL = frozenset(
    {
        "IncidentVerified",
        "ReliefAllocated",
        "StockReceived",
        "HouseholdRegistered",
        "ReliefSlaMet",
        "DeliveryFlaggedForReview",
    }
)
"""Never published: the contracts carry only reports, deliveries, cash payments and SLA alerts (a
review flag is the county's own follow-up; it is on the SLA board)."""
