"""Illegal burial cases (违规乱埋乱葬治理), pure: opened by the township → ordered to rectify within
the period in force (``illegal_burial_rectification_days``, [assume] 30; a statutory period moved to
the next working day) → resolved (rectified 整改完成) or penalised (依法处罚). A rectification not
done by the deadline is raised once as ``IllegalBurialOverdue`` (the case stays open until
resolved or penalised).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.calendar import WorkingCalendar, period_end
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from ..configuration import Parameter


class Outcome(StrEnum):
    RECTIFIED = "rectified"  # 整改完成 (迁移, 平坟…)
    PENALISED = "penalised"  # 依法处罚


@dataclass(frozen=True, slots=True)
class IllegalBurialCaseOpened(DomainEvent):
    case_id: str
    village: str
    location: str
    description: str
    found_on: str


@dataclass(frozen=True, slots=True)
class IllegalBurialOrdered(DomainEvent):
    """Ordered to rectify (责令整改) by the end of ``deadline``."""

    case_id: str
    ordered_on: str
    deadline: str
    standard_id: str
    document: str


@dataclass(frozen=True, slots=True)
class IllegalBurialOverdue(DomainEvent):
    """The rectification deadline passed with the case open (raised once, by the deadline)."""

    case_id: str
    deadline: str


@dataclass(frozen=True, slots=True)
class IllegalBurialCaseResolved(DomainEvent):
    case_id: str
    outcome: str
    resolved_on: str
    note: str


ILLEGAL_BURIAL_EVENTS = EventTypes(
    IllegalBurialCaseOpened, IllegalBurialOrdered, IllegalBurialOverdue, IllegalBurialCaseResolved
)


@dataclass(frozen=True, slots=True)
class IllegalBurialCase:
    case_id: str | None = None
    village: str = ""
    location: str = ""
    description: str = ""
    found_on: str = ""
    ordered_on: str | None = None
    deadline: str | None = None
    overdue: bool = False
    outcome: str | None = None
    resolved_on: str | None = None

    @property
    def state(self) -> str:
        """opened | ordered | overdue | rectified | penalised"""
        if self.outcome is not None:
            return self.outcome
        if self.overdue:
            return "overdue"
        return "ordered" if self.ordered_on else "opened"


def evolve(state: IllegalBurialCase, event: DomainEvent) -> IllegalBurialCase:
    match event:
        case IllegalBurialCaseOpened():
            return IllegalBurialCase(
                event.case_id, event.village, event.location, event.description, event.found_on
            )
        case IllegalBurialOrdered():
            return replace(state, ordered_on=event.ordered_on, deadline=event.deadline)
        case IllegalBurialOverdue():
            return replace(state, overdue=True)
        case IllegalBurialCaseResolved():
            return replace(state, outcome=event.outcome, resolved_on=event.resolved_on)
    return state


def open_case(
    state: IllegalBurialCase,
    *,
    case_id: str,
    village: str,
    location: str,
    description: str,
    found_on: date,
    today: date,
) -> list[DomainEvent]:
    if state.case_id is not None:
        raise Conflict("case_exists", f"case {case_id} is already open", field="case_id")
    if found_on > today:
        raise DomainError("found_in_future", "the finding date is not in the future", field="found_on")
    return [IllegalBurialCaseOpened(case_id, village, location, description, found_on.isoformat())]


def order(
    state: IllegalBurialCase, standards: StandardsTable, calendar: WorkingCalendar, *, on: date, document: str
) -> list[DomainEvent]:
    if state.case_id is None:
        raise Conflict("unknown_case", "no such case", field="case_id")
    if state.outcome is not None:
        raise Conflict("case_closed", "the case is resolved", field="case_id")
    if state.ordered_on is not None:
        raise Conflict("already_ordered", "a rectification is already ordered", field="case_id")
    days = standards.in_force(Parameter.ILLEGAL_BURIAL_RECTIFICATION_DAYS.value, state.village, on)
    deadline = period_end(on, days.value, calendar)
    return [
        IllegalBurialOrdered(state.case_id, on.isoformat(), deadline.isoformat(), days.standard_id, document)
    ]


def overdue(state: IllegalBurialCase) -> list[DomainEvent]:
    """The deadline came: overdue once, if the case is still open."""
    if state.case_id is None or state.outcome is not None or state.overdue or state.deadline is None:
        return []
    return [IllegalBurialOverdue(state.case_id, state.deadline)]


def resolve(state: IllegalBurialCase, *, outcome: Outcome, on: date, note: str) -> list[DomainEvent]:
    if state.case_id is None:
        raise Conflict("unknown_case", "no such case", field="case_id")
    if state.outcome is not None:
        raise Conflict("case_closed", "the case is resolved", field="case_id")
    if state.ordered_on is None:
        raise Conflict("not_ordered", "a case is resolved after a rectification order", field="case_id")
    if on < date.fromisoformat(state.ordered_on):
        raise DomainError("resolved_before_order", "the resolution is after the order", field="resolved_on")
    return [IllegalBurialCaseResolved(state.case_id, outcome.value, on.isoformat(), note)]
