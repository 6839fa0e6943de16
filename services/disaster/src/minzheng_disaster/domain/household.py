"""Affected households (受灾户): registration, delivery (发放到户) and the SLA alerts; no I/O."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

from .events import (
    CashReliefPaid,
    HouseholdRegistered,
    ReliefDelivered,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
    ReliefSlaMet,
)
from .incident import Damage, Incident, check_quantities, require
from .sla import Clock, SlaTerms

NS = uuid.UUID("a3c0f1d2-6b7e-4f4a-9e0b-1d2c3b4a5f60")
"""Namespace of the service's deterministic ids (household keys, derived event ids)."""

Stage = Literal["at_risk", "overdue"]


def household_stream(incident_id: uuid.UUID | str, household_key: str) -> str:
    """``affected-<incident>-<uuid5 of the key>``: the resident ID never appears in a stream id."""
    return f"affected-{incident_id}-{uuid.uuid5(NS, household_key)}"


@dataclass(frozen=True, slots=True)
class Delivery:
    cash_fen: int
    items: dict[str, int]
    delivered_at: str


@dataclass(frozen=True, slots=True)
class Household:
    """What an affected household's stream knows."""

    registration: HouseholdRegistered | None = None
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    """By delivery id (the command's id), for the deliveries recorded with one."""
    first_delivery: datetime | None = None
    """The earliest delivery time recorded (a delivery may be entered after the fact)."""
    met: bool = False
    at_risk_raised: bool = False
    breach_raised: bool = False

    @property
    def deadline(self) -> datetime:
        assert self.registration is not None
        return datetime.fromisoformat(self.registration.deadline)

    def outcome_clock(self) -> Clock:
        """The clock as far as the outcome needs it (the deadline; the warning point)."""
        assert self.registration is not None
        return Clock(self.deadline, datetime.fromisoformat(self.registration.warn_at), self.deadline)


def evolve(state: Household, event: DomainEvent) -> Household:
    match event:
        case HouseholdRegistered():
            return dataclasses.replace(state, registration=event)
        case ReliefDelivered():
            at = datetime.fromisoformat(event.delivered_at)
            first = at if state.first_delivery is None else min(at, state.first_delivery)
            deliveries = state.deliveries
            if event.delivery_id is not None:
                delivery = Delivery(event.cash_fen, event.items, event.delivered_at)
                deliveries = {**deliveries, event.delivery_id: delivery}
            return dataclasses.replace(state, deliveries=deliveries, first_delivery=first)
        case ReliefSlaMet():
            return dataclasses.replace(state, met=True)
        case ReliefSlaAtRisk():
            return dataclasses.replace(state, at_risk_raised=True)
        case ReliefSlaBreached():
            return dataclasses.replace(state, breach_raised=True, at_risk_raised=True)
    return state


def register(
    state: Household,
    incident: Incident,
    *,
    incident_id: str,
    head: str,
    village: str,
    members: int,
    relocation: int,
    damage: Damage,
    needs: Mapping[str, bool],
    county: str,
    vulnerable: bool,
    terms: SlaTerms,
    now: datetime,
) -> list[DomainEvent]:
    """Register an affected household. Its clock starts at the incident's REPORT time, whenever it
    is registered; a registration after the warning point is marked late."""
    if not village.startswith(county) or len(village) != 12:
        raise DomainError(
            "village_outside_county", f"{village} is not a village of county {county}", field="village"
        )
    if members < 1 or relocation < 0 or relocation > members:
        raise DomainError(
            "invalid_household_size", "members ≥ 1 and 0 ≤ relocation ≤ members", field="relocation"
        )
    require(incident, incident_id)
    if not any(village.startswith(code) for code in incident.area):
        raise DomainError("village_not_in_area", "the village is not in the incident's area", field="village")
    if state.registration is not None:
        raise Conflict(
            "household_already_registered",
            "this household is already registered to this incident",
            field="head",
        )
    clock = Clock.start(incident.reported_at, terms)
    return [
        HouseholdRegistered(
            incident_id=incident_id,
            head=head,
            village=village,
            members=members,
            relocation=relocation,
            damage=damage.value,
            needs=dict(needs),
            vulnerable=vulnerable,
            registered_at=now.isoformat(),
            deadline=clock.deadline.isoformat(),
            warn_at=clock.warn_at.isoformat(),
            sla_terms=terms.terms_id,
            minutes_after_report=int((now - clock.reported_at).total_seconds() // 60),
            late_registration=now > clock.warn_at,
        )
    ]


def is_repeat(
    state: Household, delivery_id: str, cash_fen: int, items: Mapping[str, int], at: datetime | None
) -> bool:
    """The same delivery sent again: recorded already, nothing to do. The same id for another
    delivery is refused (``id_reused``)."""
    known = state.deliveries.get(delivery_id)
    if known is None:
        return False
    same_time = at is None or datetime.fromisoformat(known.delivered_at) == at
    if known.cash_fen == cash_fen and known.items == dict(items) and same_time:
        return True
    raise Conflict("id_reused", "this delivery id was already used for another delivery", field="delivery_id")


def deliver(
    state: Household,
    incident: Incident,
    *,
    delivery_id: str,
    cash_fen: int,
    items: Mapping[str, int],
    delivered_at: datetime | None,
    now: datetime,
    by: str,
    left: Mapping[str, int],
) -> list[DomainEvent]:
    """发放到户: from the incident's allocation, never more (``left``: per item, ``cash_fen``
    included, what the allocation still holds). The first delivery by the deadline meets the SLA;
    a repeat of a recorded delivery records nothing."""
    check_quantities(items, cash_fen, "delivery")
    at = delivered_at or now
    if at > now:
        raise DomainError("delivery_in_future", "the delivery time is in the future", field="delivered_at")
    r = state.registration
    if r is None:
        raise NotFound(
            "household_not_on_incident", "this household is not registered to this incident", field="head"
        )
    if is_repeat(state, delivery_id, cash_fen, items, delivered_at):
        return []
    for item, quantity in [("cash_fen", cash_fen), *items.items()]:
        remaining = left.get(item, 0)
        if quantity > remaining:
            raise Conflict(
                "over_allocation",
                f"only {remaining} {item} left of this incident's allocation",
                field="cash_fen" if item == "cash_fen" else f"items.{item}",
            )
    facts: list[DomainEvent] = [
        ReliefDelivered(r.incident_id, cash_fen, dict(items), by, at.isoformat(), r.head, delivery_id)
    ]
    if cash_fen:
        document = incident.cash_documents[-1] if incident.cash_documents else "unknown"
        facts.append(CashReliefPaid(r.incident_id, r.head, cash_fen, document))
    if not state.met and at <= datetime.fromisoformat(r.deadline):
        facts.append(ReliefSlaMet(r.incident_id, r.deadline, at.isoformat()))
    return facts


def sla_alert(state: Household, stage: Stage, *, raised_at: datetime, escalated_to: str) -> list[DomainEvent]:
    """At the warning point ``ReliefSlaAtRisk``, at the deadline ``ReliefSlaBreached``: each at
    most once, none once the SLA was met, no warning after the breach."""
    r = state.registration
    if r is None or state.met:
        return []
    args = (r.incident_id, r.deadline, r.warn_at, raised_at.isoformat(), escalated_to)
    if stage == "at_risk":
        return [] if state.at_risk_raised else [ReliefSlaAtRisk(*args)]
    return [] if state.breach_raised else [ReliefSlaBreached(*args)]


def event_ids(delivery_id: str, stream: str, facts: list[DomainEvent]) -> list[uuid.UUID]:
    """Deterministic ids of a delivery's facts: the delivery's own, then derived ones."""
    ids: list[uuid.UUID] = []
    for fact in facts:
        if isinstance(fact, ReliefDelivered):
            ids.append(uuid.UUID(delivery_id))
        elif isinstance(fact, CashReliefPaid):
            ids.append(uuid.uuid5(NS, f"{delivery_id}/cash"))
        else:
            ids.append(uuid.uuid5(NS, f"{stream}/met"))
    return ids
