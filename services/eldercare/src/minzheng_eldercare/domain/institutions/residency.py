"""A residency (入住) in a care institution, pure: admitted with an agreement and a care level
(入住协议, 个人档案: F0 L159) ⇄ on leave (请假离院, with a return date; past it unreturned:
``ResidentLeaveOverdue`` once) → discharged (离院: home, a transfer, or at death). Medical visits
(就医) are recorded while the person is a resident.

Stream ``residency-<institution_id>.<residency_id>`` (stream type ``residency``): one per stay, so
that a home's residents are the streams under its prefix. Who may be admitted where is decided
with the guard rows read in the unit's transaction: the institution's standing (``Standing``,
read ``FOR SHARE``), its free beds and the person's one residency (``institution_beds`` and
``institution_residents``, see ``application.institutions.guards``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from .parameters import Parameter


class CareLevel(StrEnum):
    """The contract's ``CareLevel``: 自理, 半失能, 失能, 特护."""

    SELF_CARE = "self_care"
    PARTIAL = "partial"
    FULL = "full"
    SPECIAL = "special"


class Destination(StrEnum):
    """Where a resident goes at discharge (the contract's ``DischargeDestination``)."""

    HOME = "home"  # 回家
    TRANSFER = "transfer"  # 转院 / 转机构
    DEATH = "death"  # 死亡


class Status(StrEnum):
    NONE = "none"
    RESIDENT = "resident"
    ON_LEAVE = "on_leave"
    DISCHARGED = "discharged"


@dataclass(frozen=True, slots=True)
class Standing:
    """The institution's guard row (``institution_standing``), read in the admission's unit."""

    institution_id: str
    kind: str
    township: str
    admissions_suspended: bool
    closed: bool


@dataclass(frozen=True, slots=True)
class ResidentAdmitted(DomainEvent):
    """A person admitted (入住) under an agreement, with a care level; ``is_tekun``: a 特困 person
    (in a 敬老院 this is centralised support, which assistance reads from the contract)."""

    residency_id: str
    institution_id: str
    institution_kind: str
    township: str
    person: str
    """Resident ID (18 digits)."""
    is_tekun: bool
    care_level: str
    agreement_number: str
    agreement_date: str
    admitted_on: str


@dataclass(frozen=True, slots=True)
class ResidentLeaveGranted(DomainEvent):
    """Leave (请假离院) from a day, to return by ``return_by``; ``leave`` counts the stay's leaves."""

    residency_id: str
    leave: int
    leave_from: str
    return_by: str
    reason: str
    standard_id: str


@dataclass(frozen=True, slots=True)
class ResidentReturned(DomainEvent):
    """Back from leave (销假返院); ``late`` after the return date."""

    residency_id: str
    leave: int
    returned_on: str
    late: bool


@dataclass(frozen=True, slots=True)
class ResidentLeaveOverdue(DomainEvent):
    """The return date passed with the resident still away: raised once per leave, at 00:00 +08:00
    after the return date, by the durable deadline."""

    residency_id: str
    leave: int
    return_by: str


@dataclass(frozen=True, slots=True)
class ResidentMedicalVisitRecorded(DomainEvent):
    """A medical visit (就医) of a resident."""

    residency_id: str
    visited_on: str
    facility: str
    reason: str


@dataclass(frozen=True, slots=True)
class ResidentDischarged(DomainEvent):
    """The stay ended (离院): ``home``, ``transfer`` (to ``transfer_to``) or ``death``."""

    residency_id: str
    institution_id: str
    institution_kind: str
    township: str
    person: str
    is_tekun: bool
    destination: str
    discharged_on: str
    transfer_to: str | None = None
    death_registration: str | None = None


RESIDENCY_EVENTS = EventTypes(
    ResidentAdmitted,
    ResidentLeaveGranted,
    ResidentReturned,
    ResidentLeaveOverdue,
    ResidentMedicalVisitRecorded,
    ResidentDischarged,
)


@dataclass(frozen=True, slots=True)
class Visit:
    visited_on: date
    facility: str
    reason: str


@dataclass(frozen=True, slots=True)
class Residency:
    residency_id: str | None = None
    institution_id: str = ""
    institution_kind: str = ""
    township: str = ""
    person: str = ""
    is_tekun: bool = False
    care_level: str = ""
    agreement_number: str = ""
    agreement_date: date | None = None
    admitted_on: date | None = None
    status: Status = Status.NONE
    leaves: int = 0
    leave_from: date | None = None
    return_by: date | None = None
    leave_overdue: bool = False
    """The current leave is past its return date (flagged once)."""
    overdue_leaves: int = 0
    visits: tuple[Visit, ...] = ()
    destination: str | None = None
    discharged_on: date | None = None
    transfer_to: str | None = None
    admitted: ResidentAdmitted | None = None
    """The admission as recorded (a re-sent one is compared with it)."""

    def exists(self) -> Residency:
        if self.residency_id is None:
            raise NotFound(
                "residency_not_found", "no such resident in this institution", field="residency_id"
            )
        return self


def evolve(state: Residency, event: DomainEvent) -> Residency:
    match event:
        case ResidentAdmitted():
            return Residency(
                event.residency_id,
                event.institution_id,
                event.institution_kind,
                event.township,
                event.person,
                event.is_tekun,
                event.care_level,
                event.agreement_number,
                date.fromisoformat(event.agreement_date),
                date.fromisoformat(event.admitted_on),
                Status.RESIDENT,
                admitted=event,
            )
        case ResidentLeaveGranted():
            return replace(
                state,
                status=Status.ON_LEAVE,
                leaves=event.leave,
                leave_from=date.fromisoformat(event.leave_from),
                return_by=date.fromisoformat(event.return_by),
                leave_overdue=False,
            )
        case ResidentReturned():
            return replace(state, status=Status.RESIDENT, leave_overdue=False)
        case ResidentLeaveOverdue():
            return replace(state, leave_overdue=True, overdue_leaves=state.overdue_leaves + 1)
        case ResidentMedicalVisitRecorded():
            visit = Visit(date.fromisoformat(event.visited_on), event.facility, event.reason)
            return replace(state, visits=(*state.visits, visit))
        case ResidentDischarged():
            return replace(
                state,
                status=Status.DISCHARGED,
                leave_overdue=False,
                destination=event.destination,
                discharged_on=date.fromisoformat(event.discharged_on),
                transfer_to=event.transfer_to,
            )
    return state


def _living_here(state: Residency) -> Residency:
    state.exists()
    if state.status is Status.DISCHARGED:
        raise Conflict("resident_discharged", "this resident has been discharged", field="residency_id")
    return state


def _not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise DomainError("date_in_future", f"{field} is today or earlier", field=field)


def admit(
    state: Residency,
    standing: Standing | None,
    *,
    residency_id: str,
    person: str,
    is_tekun: bool,
    care_level: CareLevel,
    agreement_number: str,
    agreement_date: date,
    admitted_on: date,
    today: date,
) -> list[DomainEvent]:
    """Admit a person (入住). Refused while admissions are suspended or once the institution is
    closed (the standing row, read ``FOR SHARE`` so no suspension commits past this unit). The
    same admission re-sent changes nothing (no facts); the same id with other content is refused
    (``id_reused``)."""
    if standing is None:
        raise NotFound("institution_not_found", "no such institution", field="institution_id")
    number = agreement_number.strip()
    fact = ResidentAdmitted(
        residency_id,
        standing.institution_id,
        standing.kind,
        standing.township,
        person,
        is_tekun,
        care_level.value,
        number,
        agreement_date.isoformat(),
        admitted_on.isoformat(),
    )
    if state.residency_id is not None:
        if fact == state.admitted:
            return []
        raise Conflict("id_reused", "this residency id was used for another admission", field="residency_id")
    if standing.closed:
        raise Conflict("institution_closed", "the institution is closed (责令关停)", field="institution_id")
    if standing.admissions_suspended:
        raise Conflict(
            "admissions_suspended", "admissions to this institution are suspended", field="institution_id"
        )
    _not_future(admitted_on, today, "admitted_on")
    if agreement_date > admitted_on:
        raise DomainError(
            "agreement_after_admission",
            "the agreement is signed by the day of admission",
            field="agreement_date",
        )
    if not number:
        raise DomainError(
            "agreement_required", "an admission has an agreement (入住协议)", field="agreement_number"
        )
    return [fact]


def grant_leave(
    state: Residency,
    standards: StandardsTable,
    *,
    leave_from: date,
    return_by: date,
    reason: str,
    today: date,
) -> list[DomainEvent]:
    """Leave (请假) of at most the standard's days (``institutions.leave_max_days``)."""
    _living_here(state)
    assert state.residency_id is not None and state.admitted_on is not None
    if state.status is Status.ON_LEAVE:
        raise Conflict("already_on_leave", "the resident is on leave already", field="residency_id")
    _not_future(leave_from, today, "leave_from")
    if leave_from < state.admitted_on:
        raise DomainError("leave_before_admission", "leave starts after the admission", field="leave_from")
    if return_by <= leave_from:
        raise DomainError("return_before_leave", "the return date follows the leave", field="return_by")
    most = standards.in_force(Parameter.LEAVE_MAX_DAYS.value, state.township, leave_from)
    if (return_by - leave_from).days > most.value:
        raise DomainError(
            "leave_too_long", f"a leave is at most {most.value} days ({most.standard_id})", field="return_by"
        )
    return [
        ResidentLeaveGranted(
            state.residency_id,
            state.leaves + 1,
            leave_from.isoformat(),
            return_by.isoformat(),
            reason.strip(),
            most.standard_id,
        )
    ]


def return_from_leave(state: Residency, *, returned_on: date, today: date) -> list[DomainEvent]:
    _living_here(state)
    assert state.residency_id is not None
    if state.status is not Status.ON_LEAVE:
        raise Conflict("not_on_leave", "the resident is not on leave", field="residency_id")
    assert state.leave_from is not None and state.return_by is not None
    _not_future(returned_on, today, "returned_on")
    if returned_on < state.leave_from:
        raise DomainError("return_before_leave", "the return follows the leave", field="returned_on")
    return [
        ResidentReturned(
            state.residency_id, state.leaves, returned_on.isoformat(), returned_on > state.return_by
        )
    ]


def leave_overdue(state: Residency, leave: int) -> list[DomainEvent]:
    """The return date of leave number ``leave`` passed: once, if the resident is still away on it."""
    if state.residency_id is None or state.status is not Status.ON_LEAVE:
        return []
    if state.leaves != leave or state.leave_overdue:
        return []
    assert state.return_by is not None
    return [ResidentLeaveOverdue(state.residency_id, leave, state.return_by.isoformat())]


def record_visit(
    state: Residency, *, visited_on: date, facility: str, reason: str, today: date
) -> list[DomainEvent]:
    _living_here(state)
    assert state.residency_id is not None and state.admitted_on is not None
    _not_future(visited_on, today, "visited_on")
    if visited_on < state.admitted_on:
        raise DomainError("visit_before_admission", "a visit follows the admission", field="visited_on")
    return [
        ResidentMedicalVisitRecorded(
            state.residency_id, visited_on.isoformat(), facility.strip(), reason.strip()
        )
    ]


def discharge(
    state: Residency,
    *,
    destination: Destination,
    discharged_on: date,
    today: date,
    transfer_to: str | None = None,
) -> list[DomainEvent]:
    """Discharge (离院) home or to a transfer (a death is ``discharge_at_death``, from the registry's
    record, or recorded here by the institution before the registry's message arrives)."""
    _living_here(state)
    assert state.residency_id is not None and state.admitted_on is not None
    _not_future(discharged_on, today, "discharged_on")
    if discharged_on < state.admitted_on:
        raise DomainError(
            "discharge_before_admission", "a discharge follows the admission", field="discharged_on"
        )
    target = (transfer_to or "").strip() or None
    if destination is Destination.TRANSFER and target is None:
        raise DomainError("transfer_to_required", "a transfer names where to", field="transfer_to")
    if destination is not Destination.TRANSFER:
        target = None
    return [_discharged(state, destination, discharged_on, transfer_to=target)]


def discharge_at_death(state: Residency, *, died_on: date, registration_id: str) -> list[DomainEvent]:
    """The registry's death record discharges a living resident (destination ``death``) on the
    date of death (on the admission day if the record says earlier); nothing for a stay already
    ended."""
    if state.residency_id is None or state.status is Status.DISCHARGED:
        return []
    assert state.admitted_on is not None
    on = max(died_on, state.admitted_on)
    return [_discharged(state, Destination.DEATH, on, death_registration=registration_id)]


def _discharged(
    state: Residency,
    destination: Destination,
    on: date,
    *,
    transfer_to: str | None = None,
    death_registration: str | None = None,
) -> ResidentDischarged:
    assert state.residency_id is not None
    return ResidentDischarged(
        state.residency_id,
        state.institution_id,
        state.institution_kind,
        state.township,
        state.person,
        state.is_tekun,
        destination.value,
        on.isoformat(),
        transfer_to,
        death_registration,
    )
