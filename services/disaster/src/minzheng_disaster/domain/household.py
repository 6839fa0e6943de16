"""Affected households (受灾户): registration, delivery (发放到户) and the SLA alerts; no I/O."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

from .allocation import Source, draw
from .events import (
    CashReliefPaid,
    DeliveryFlaggedForReview,
    HouseholdRegistered,
    ReliefDelivered,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
    ReliefSlaMet,
)
from .incident import Damage, Incident, check_quantities, require
from .sla import Clock, SlaTerms

NS = uuid.UUID("a3c0f1d2-6b7e-4f4a-9e0b-1d2c3b4a5f60")
"""Namespace of the ids derived from a delivery's id or a stream id (never from personal data:
household stream ids are keyed pseudonyms, ``application.streams.household_stream``)."""

Stage = Literal["at_risk", "overdue"]
REVIEW_REASON = "recorded_after_deadline"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A recorded delivery, as its command's answer needs it when the command is sent again."""

    cash_fen: int
    items: dict[str, int]
    delivered_at: str
    drawn: dict[str, dict[str, int]] = field(default_factory=dict)
    met: bool = False
    """This delivery met the SLA (its ``ReliefSlaMet`` followed it)."""
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class Household:
    """What an affected household's stream knows."""

    registration: HouseholdRegistered | None = None
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    """By delivery id (the command's id), for the deliveries recorded with one."""
    last_delivery: str | None = None
    first_delivery: datetime | None = None
    """The earliest delivery time claimed (a delivery may be entered after the fact)."""
    met: bool = False
    at_risk_raised: bool = False
    breach_raised: bool = False
    flagged: bool = False
    """A delivery recorded after the deadline claimed a time within it: to review."""

    @property
    def deadline(self) -> datetime:
        assert self.registration is not None
        return datetime.fromisoformat(self.registration.deadline)

    def outcome_clock(self) -> Clock:
        """The clock as far as the outcome needs it (the deadline; the warning point)."""
        assert self.registration is not None
        return Clock(self.deadline, datetime.fromisoformat(self.registration.warn_at), self.deadline)


def _mark(state: Household, *, met: bool = False, flagged: bool = False) -> Household:
    """Mark the delivery just recorded (it met the SLA, it was flagged) for a repeat's answer."""
    known = state.deliveries.get(state.last_delivery or "")
    if known is None or state.last_delivery is None:
        return state
    marked = dataclasses.replace(known, met=known.met or met, flagged=known.flagged or flagged)
    return dataclasses.replace(state, deliveries={**state.deliveries, state.last_delivery: marked})


def evolve(state: Household, event: DomainEvent) -> Household:
    match event:
        case HouseholdRegistered():
            return dataclasses.replace(state, registration=event)
        case ReliefDelivered():
            at = datetime.fromisoformat(event.delivered_at)
            first = at if state.first_delivery is None else min(at, state.first_delivery)
            deliveries = state.deliveries
            if event.delivery_id is not None:
                delivery = Delivery(event.cash_fen, event.items, event.delivered_at, event.drawn or {})
                deliveries = {**deliveries, event.delivery_id: delivery}
            return dataclasses.replace(
                state, deliveries=deliveries, first_delivery=first, last_delivery=event.delivery_id
            )
        case ReliefSlaMet():
            return _mark(dataclasses.replace(state, met=True), met=True)
        case DeliveryFlaggedForReview():
            return _mark(dataclasses.replace(state, flagged=True), flagged=True)
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
    head_name: str = "",
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
        if same_registration(state.registration, village, members, relocation, damage, needs, head_name):
            return []  # the same registration sent again: its original answer
        raise Conflict(
            "id_reused",
            "this household is already registered to this incident, with other details",
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
            head_name=head_name,
        )
    ]


def same_registration(
    r: HouseholdRegistered,
    village: str,
    members: int,
    relocation: int,
    damage: Damage,
    needs: Mapping[str, bool],
    head_name: str = "",
) -> bool:
    return (r.village, r.members, r.relocation, r.damage, r.needs, r.head_name) == (
        village,
        members,
        relocation,
        damage.value,
        dict(needs),
        head_name,
    )


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
    sources: Sequence[Source],
) -> list[DomainEvent]:
    """发放到户: from the incident's allocations, never more (``sources``: what is left of each
    allocation, cash included; drawn oldest first, ``allocation.draw``).

    The claimed time (``delivered_at``, default now) is kept, bounded: not in the future, not
    before the disaster, the household's registration or the allocations it draws from (422 naming
    ``delivered_at``). The first delivery claimed by the deadline meets the SLA; one recorded after
    the deadline that claims to be within it is also flagged for review. A repeat of a recorded
    delivery records nothing."""
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
    if incident.exists and at < incident.happened_at:
        raise DomainError(
            "delivered_before_disaster", "the delivery time is before the disaster", field="delivered_at"
        )
    if at < datetime.fromisoformat(r.registered_at):
        raise DomainError(
            "delivered_before_registration",
            f"the delivery time is before the household was registered ({r.registered_at})",
            field="delivered_at",
        )
    wanted = {"cash_fen": cash_fen, **{k: v for k, v in items.items() if v}}
    drawn = draw(sources, wanted, at=at)
    delivered = ReliefDelivered(
        r.incident_id, cash_fen, dict(items), by, at.isoformat(), r.head, delivery_id, now.isoformat(), drawn
    )
    facts: list[DomainEvent] = [delivered]
    if cash_fen:
        document = incident.cash_documents[-1] if incident.cash_documents else "unknown"
        facts.append(CashReliefPaid(r.incident_id, r.head, cash_fen, document))
    deadline = datetime.fromisoformat(r.deadline)
    if not state.met and at <= deadline:
        facts.append(ReliefSlaMet(r.incident_id, r.deadline, at.isoformat()))
    if at <= deadline < now:
        facts.append(
            DeliveryFlaggedForReview(
                r.incident_id, delivery_id, r.deadline, at.isoformat(), now.isoformat(), REVIEW_REASON
            )
        )
    return facts


def answer(state: Household, delivery_id: str) -> dict[str, Any]:
    """What a delivery command answers, the first time and every time it is sent again."""
    d = state.deliveries[delivery_id]
    return {
        "delivery_id": delivery_id,
        "delivered_at": d.delivered_at,
        "sla_met": d.met,
        "flagged_for_review": d.flagged,
        "drawn": d.drawn,
    }


def alert(
    stage: Stage,
    *,
    incident_id: str,
    deadline: datetime,
    warn_at: datetime,
    raised_at: datetime,
    escalated_to: str,
) -> DomainEvent:
    """The alert of a due stage, from what the deadline row holds (the scheduler raises it without
    reading the stream: the row is pending only while the SLA is not met, and moves on in the
    alert's transaction, so each stage is raised once)."""
    args = (incident_id, deadline.isoformat(), warn_at.isoformat(), raised_at.isoformat(), escalated_to)
    return ReliefSlaAtRisk(*args) if stage == "at_risk" else ReliefSlaBreached(*args)


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
        elif isinstance(fact, DeliveryFlaggedForReview):
            ids.append(uuid.uuid5(NS, f"{delivery_id}/review"))
        else:
            ids.append(uuid.uuid5(NS, f"{stream}/met"))
    return ids
