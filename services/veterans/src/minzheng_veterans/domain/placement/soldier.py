"""A discharged soldier's reception and placement (退役士兵接收安置, 退役军人安置条例 2024), pure.

received (``DischargedSoldierReceived``, with the reporting deadline: the standard's days after the
approved discharge, a statutory period moved to the next working day) → reported
(``DischargedSoldierReported``; late without a justified reason is flagged) | placement_waived
(``PlacementWaived``: a caseworker's decision, only on a flagged late report or an overdue one)
→ a placement mode (``PlacementDecided``; 安排工作 only on a condition of ``eligibility``) → for
安排工作 the steps strictly in order (``PlacementStepCompleted``: written test → interview → file
review) and then the choice of post (``PostChosen``). Training (``TrainingEnrolled``: driving,
e-commerce, SIYB) once per course. The deadline passing unreported is ``ReportingOverdue``, raised
once by the durable deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.calendar import WorkingCalendar, period_end
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from .eligibility import Honour, Rank, ServiceRecord, reasons
from .parameters import Parameter


class Household(StrEnum):
    URBAN = "urban"  # 城镇
    RURAL = "rural"  # 农村


class Mode(StrEnum):
    """Placement mode (安置方式)."""

    SELF_EMPLOYMENT = "self_employment"  # 自主就业
    ARRANGED_WORK = "arranged_work"  # 安排工作
    MONTHLY_PENSION = "monthly_pension"  # 逐月领取退役金
    RETIREMENT = "retirement"  # 退休
    SUPPORT = "support"  # 供养


class Step(StrEnum):
    """The 安排工作 steps, in their order."""

    WRITTEN_TEST = "written_test"  # 笔试
    INTERVIEW = "interview"  # 面试
    FILE_REVIEW = "file_review"  # 档案审核


STEPS: tuple[Step, ...] = (Step.WRITTEN_TEST, Step.INTERVIEW, Step.FILE_REVIEW)


class Course(StrEnum):
    DRIVING = "driving"  # 驾驶
    E_COMMERCE = "e_commerce"  # 电子商务
    SIYB = "siyb"  # 创办和改善你的企业


@dataclass(frozen=True, slots=True)
class DischargedSoldierReceived(DomainEvent):
    soldier_id: str
    resident_id: str
    residence: str
    rank: str
    household: str
    service_years: int
    honours: list[str]
    war_disability_grade: int | None
    martyr_child: bool
    discharge_approved_on: str
    received_on: str
    report_deadline: str
    report_standard_id: str


@dataclass(frozen=True, slots=True)
class DischargedSoldierReported(DomainEvent):
    soldier_id: str
    reported_on: str
    late: bool
    justification: str | None
    flagged: bool
    """Late without a justified reason (逾期未报到且无正当理由)."""


@dataclass(frozen=True, slots=True)
class ReportingOverdue(DomainEvent):
    soldier_id: str
    deadline: str


@dataclass(frozen=True, slots=True)
class PlacementWaived(DomainEvent):
    soldier_id: str
    decided_on: str
    reason: str


@dataclass(frozen=True, slots=True)
class PlacementDecided(DomainEvent):
    soldier_id: str
    mode: str
    decided_on: str
    reasons: list[str]
    """The 安排工作 conditions met (empty for the other modes)."""
    standard_id: str | None


@dataclass(frozen=True, slots=True)
class PlacementStepCompleted(DomainEvent):
    soldier_id: str
    step: str
    completed_on: str


@dataclass(frozen=True, slots=True)
class PostChosen(DomainEvent):
    soldier_id: str
    employer: str
    post: str
    chosen_on: str


@dataclass(frozen=True, slots=True)
class TrainingEnrolled(DomainEvent):
    soldier_id: str
    course: str
    enrolled_on: str


SOLDIER_EVENTS = EventTypes(
    DischargedSoldierReceived,
    DischargedSoldierReported,
    ReportingOverdue,
    PlacementWaived,
    PlacementDecided,
    PlacementStepCompleted,
    PostChosen,
    TrainingEnrolled,
)


@dataclass(frozen=True, slots=True)
class Soldier:
    soldier_id: str | None = None
    resident_id: str = ""
    residence: str = ""
    rank: str = ""
    household: str = ""
    record: ServiceRecord | None = None
    discharge_approved_on: date | None = None
    report_deadline: date | None = None
    reported_on: date | None = None
    flagged: bool = False
    overdue: bool = False
    waived: bool = False
    mode: str | None = None
    steps: tuple[str, ...] = ()
    post: str | None = None
    courses: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """none | received | overdue | reported | placement_waived | in_placement | placed"""
        if self.soldier_id is None:
            return "none"
        if self.waived:
            return "placement_waived"
        if self.post is not None or (self.mode is not None and self.mode != Mode.ARRANGED_WORK):
            return "placed"
        if self.mode is not None:
            return "in_placement"
        if self.reported_on is not None:
            return "reported"
        return "overdue" if self.overdue else "received"


def evolve(state: Soldier, event: DomainEvent) -> Soldier:
    match event:
        case DischargedSoldierReceived():
            record = ServiceRecord(
                Rank(event.rank),
                event.service_years,
                frozenset(Honour(h) for h in event.honours),
                event.war_disability_grade,
                event.martyr_child,
            )
            return Soldier(
                event.soldier_id,
                event.resident_id,
                event.residence,
                event.rank,
                event.household,
                record,
                date.fromisoformat(event.discharge_approved_on),
                date.fromisoformat(event.report_deadline),
            )
        case DischargedSoldierReported():
            return replace(state, reported_on=date.fromisoformat(event.reported_on), flagged=event.flagged)
        case ReportingOverdue():
            return replace(state, overdue=True)
        case PlacementWaived():
            return replace(state, waived=True)
        case PlacementDecided():
            return replace(state, mode=event.mode)
        case PlacementStepCompleted():
            return replace(state, steps=(*state.steps, event.step))
        case PostChosen():
            return replace(state, post=event.post)
        case TrainingEnrolled():
            return replace(state, courses=(*state.courses, event.course))
    return state


def _existing(state: Soldier) -> Soldier:
    if state.soldier_id is None:
        raise NotFound("soldier_not_found", "no such discharged soldier", field="soldier_id")
    return state


def _not_waived(state: Soldier) -> None:
    if state.waived:
        raise Conflict("placement_waived", "the placement benefits were waived", field="soldier_id")


def receive(
    state: Soldier,
    standards: StandardsTable,
    calendar: WorkingCalendar,
    *,
    soldier_id: str,
    resident_id: str,
    residence: str,
    record: ServiceRecord,
    household: Household,
    discharge_approved_on: date,
    today: date,
) -> list[DomainEvent]:
    if state.soldier_id is not None:
        raise Conflict("soldier_exists", "this soldier is already received", field="soldier_id")
    if discharge_approved_on > today:
        raise DomainError(
            "discharge_in_future",
            "the approved discharge is not in the future",
            field="discharge_approved_on",
        )
    days = standards.in_force(Parameter.REPORT_DAYS.value, residence, discharge_approved_on)
    deadline = period_end(discharge_approved_on, days.value, calendar)
    return [
        DischargedSoldierReceived(
            soldier_id,
            resident_id,
            residence,
            record.rank.value,
            household.value,
            record.service_years,
            sorted(h.value for h in record.honours),
            record.war_disability_grade,
            record.martyr_child,
            discharge_approved_on.isoformat(),
            today.isoformat(),
            deadline.isoformat(),
            days.standard_id,
        )
    ]


def report(state: Soldier, *, reported_on: date, justification: str | None, today: date) -> list[DomainEvent]:
    """The soldier reports (报到); late without a justified reason is flagged."""
    _existing(state)
    assert state.soldier_id is not None and state.report_deadline is not None
    assert state.discharge_approved_on is not None
    _not_waived(state)
    if state.reported_on is not None:
        raise Conflict("already_reported", "the soldier has already reported", field="soldier_id")
    if reported_on > today:
        raise DomainError("reported_in_future", "the report date is not in the future", field="reported_on")
    if reported_on < state.discharge_approved_on:
        raise DomainError("reported_before_discharge", "a report follows the discharge", field="reported_on")
    late = reported_on > state.report_deadline
    reason = (justification or "").strip() or None
    if not late:
        reason = None  # on time: there is nothing to justify
    return [
        DischargedSoldierReported(
            state.soldier_id, reported_on.isoformat(), late, reason, late and not reason
        )
    ]


def overdue(state: Soldier) -> list[DomainEvent]:
    """The reporting deadline passed: once, if the soldier has not reported."""
    if state.soldier_id is None or state.reported_on is not None or state.overdue or state.waived:
        return []
    assert state.report_deadline is not None
    return [ReportingOverdue(state.soldier_id, state.report_deadline.isoformat())]


def waive(state: Soldier, *, reason: str, today: date) -> list[DomainEvent]:
    """Waive the placement benefits: only on a late report without a justified reason (flagged), or
    with the deadline passed unreported."""
    _existing(state)
    assert state.soldier_id is not None
    _not_waived(state)
    if state.mode is not None:
        raise Conflict("placement_decided", "the placement is already decided", field="soldier_id")
    if not (state.flagged or (state.overdue and state.reported_on is None)):
        raise Conflict(
            "not_late_unjustified",
            "benefits are waived only on a late report without a justified reason",
            field="soldier_id",
        )
    return [PlacementWaived(state.soldier_id, today.isoformat(), reason)]


def decide_placement(
    state: Soldier, standards: StandardsTable, *, mode: Mode, today: date
) -> list[DomainEvent]:
    _existing(state)
    assert state.soldier_id is not None and state.record is not None
    _not_waived(state)
    if state.reported_on is None:
        raise Conflict("not_reported", "a placement follows the soldier's report", field="soldier_id")
    if state.mode is not None:
        raise Conflict("placement_decided", "the placement is already decided", field="soldier_id")
    found: list[str] = []
    standard_id = None
    if mode is Mode.ARRANGED_WORK:
        years = standards.in_force(Parameter.ARRANGED_WORK_NCO_YEARS.value, state.residence, today)
        standard_id = years.standard_id
        found = [r.value for r in reasons(state.record, nco_years=years.value)]
        if not found:
            raise DomainError(
                "not_eligible_for_arranged_work", "no condition for 安排工作 is met", field="mode"
            )
    return [PlacementDecided(state.soldier_id, mode.value, today.isoformat(), found, standard_id)]


def complete_step(state: Soldier, *, step: Step, today: date) -> list[DomainEvent]:
    _existing(state)
    assert state.soldier_id is not None
    _not_waived(state)
    if state.mode != Mode.ARRANGED_WORK:
        raise Conflict("not_arranged_work", "the steps are of an 安排工作 placement", field="soldier_id")
    if step.value in state.steps:
        raise Conflict("step_completed", f"{step.value} is already completed", field="step")
    expected = STEPS[len(state.steps)] if len(state.steps) < len(STEPS) else None
    if step is not expected:
        raise Conflict("step_out_of_order", f"the next step is {expected}", field="step")
    return [PlacementStepCompleted(state.soldier_id, step.value, today.isoformat())]


def choose_post(state: Soldier, *, employer: str, post: str, today: date) -> list[DomainEvent]:
    _existing(state)
    assert state.soldier_id is not None
    _not_waived(state)
    if state.mode != Mode.ARRANGED_WORK:
        raise Conflict("not_arranged_work", "a post is chosen in an 安排工作 placement", field="soldier_id")
    if state.post is not None:
        raise Conflict("post_chosen", "a post is already chosen", field="soldier_id")
    if len(state.steps) < len(STEPS):
        raise Conflict("step_out_of_order", f"the next step is {STEPS[len(state.steps)]}", field="step")
    return [PostChosen(state.soldier_id, employer, post, today.isoformat())]


def enrol(state: Soldier, *, course: Course, today: date) -> list[DomainEvent]:
    _existing(state)
    assert state.soldier_id is not None
    _not_waived(state)
    if course.value in state.courses:
        raise Conflict("already_enrolled", f"already enrolled in {course.value}", field="course")
    return [TrainingEnrolled(state.soldier_id, course.value, today.isoformat())]
