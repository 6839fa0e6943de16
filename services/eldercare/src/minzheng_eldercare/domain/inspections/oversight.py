"""An institution's oversight file (监管档案), folded from its stream: the inspections, their
hazards, the rectification orders and where admissions stand.

An order is ``open`` → ``at_risk`` (its at-risk day came) → ``overdue`` (its deadline passed) while
any of its findings is not verified fixed, and ``completed`` once a re-inspection verified the last
one (an order closes only so: eldercare-rules §3, "Rectification")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from minzheng_kernel.events import DomainEvent

from . import events as e

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Hazard:
    hazard_id: str
    inspection_id: str
    category: str
    sector: str
    description: str
    found_on: date
    order_id: str | None = None
    fixed_on: date | None = None

    @property
    def open(self) -> bool:
        return self.fixed_on is None


@dataclass(frozen=True, slots=True)
class Inspection:
    inspection_id: str
    inspected_on: date
    inspector: str
    hazard_ids: tuple[str, ...] = ()
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    inspection_id: str
    hazard_ids: tuple[str, ...]
    ordered_on: date
    deadline: date
    at_risk_on: date
    standard_ids: tuple[str, ...]
    at_risk: bool = False
    overdue: bool = False
    reinspections: int = 0
    completed_on: date | None = None

    @property
    def status(self) -> str:
        """open | at_risk | overdue | completed"""
        if self.completed_on is not None:
            return "completed"
        if self.overdue:
            return "overdue"
        return "at_risk" if self.at_risk else "open"


@dataclass(frozen=True, slots=True)
class Oversight:
    institution_id: str | None = None
    township: str = ""
    inspections: Mapping[str, Inspection] = field(default_factory=dict)
    hazards: Mapping[str, Hazard] = field(default_factory=dict)
    orders: Mapping[str, Order] = field(default_factory=dict)
    suspended_by: str | None = None
    """The order admissions are suspended for, if they are."""
    suspended_since: str | None = None
    closed_on: date | None = None

    @property
    def closed(self) -> bool:
        return self.closed_on is not None

    def open_hazards(self, order: Order) -> list[str]:
        return [h for h in order.hazard_ids if self.hazards[h].open]

    def overdue_orders(self) -> list[Order]:
        return [o for o in self.orders.values() if o.status == "overdue"]

    @property
    def status(self) -> str:
        """none | not_inspected | inspected | rectifying | admissions_suspended | rectified | closed"""
        if self.institution_id is None:
            return "none"
        if self.closed:
            return "closed"
        if self.suspended_by is not None:
            return "admissions_suspended"
        if not self.inspections:
            return "not_inspected"
        if any(o.completed_on is None for o in self.orders.values()):
            return "rectifying"
        return "rectified" if self.orders else "inspected"


def _put(mapping: Mapping[str, V], key: str, value: V) -> dict[str, V]:
    return {**mapping, key: value}


def evolve(state: Oversight, event: DomainEvent) -> Oversight:
    match event:
        case e.InspectionCompleted():
            found = Inspection(event.inspection_id, date.fromisoformat(event.inspected_on), event.inspector)
            return replace(
                state,
                institution_id=event.institution_id,
                township=event.township,
                inspections=_put(state.inspections, event.inspection_id, found),
            )
        case e.HazardFound():
            inspection = state.inspections[event.inspection_id]
            hazard = Hazard(
                event.hazard_id,
                event.inspection_id,
                event.category,
                event.sector,
                event.description,
                inspection.inspected_on,
            )
            inspection = replace(inspection, hazard_ids=(*inspection.hazard_ids, event.hazard_id))
            return replace(
                state,
                inspections=_put(state.inspections, event.inspection_id, inspection),
                hazards=_put(state.hazards, event.hazard_id, hazard),
            )
        case e.RectificationOrdered():
            order = Order(
                event.order_id,
                event.inspection_id,
                tuple(event.hazard_ids),
                date.fromisoformat(event.ordered_on),
                date.fromisoformat(event.deadline),
                date.fromisoformat(event.at_risk_on),
                tuple(event.standard_ids),
            )
            hazards = dict(state.hazards)
            for h in event.hazard_ids:
                hazards[h] = replace(hazards[h], order_id=event.order_id)
            inspection = replace(state.inspections[event.inspection_id], order_id=event.order_id)
            return replace(
                state,
                orders=_put(state.orders, event.order_id, order),
                hazards=hazards,
                inspections=_put(state.inspections, event.inspection_id, inspection),
            )
        case e.RectificationAtRisk():
            return _order(state, event.order_id, at_risk=True)
        case e.RectificationOverdue():
            return _order(state, event.order_id, overdue=True)
        case e.ReinspectionRecorded():
            on = date.fromisoformat(event.reinspected_on)
            hazards = dict(state.hazards)
            for h in event.fixed:
                hazards[h] = replace(hazards[h], fixed_on=on)
            order = state.orders[event.order_id]
            return replace(
                _order(state, event.order_id, reinspections=order.reinspections + 1), hazards=hazards
            )
        case e.RectificationCompleted():
            return _order(state, event.order_id, completed_on=date.fromisoformat(event.completed_on))
        case e.AdmissionsSuspended():
            return replace(state, suspended_by=event.order_id, suspended_since=event.since)
        case e.AdmissionsResumed():
            return replace(state, suspended_by=None, suspended_since=None)
        case e.InstitutionClosed():
            return replace(state, closed_on=date.fromisoformat(event.closed_on))
    return state


def _order(state: Oversight, order_id: str, **changes: Any) -> Oversight:
    order = replace(state.orders[order_id], **changes)
    return replace(state, orders=_put(state.orders, order_id, order))
