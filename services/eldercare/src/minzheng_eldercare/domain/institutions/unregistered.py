"""An unregistered home (未备案养老机构), pure: a case to follow up (A4 L183: unregistered private
homes are banned): reported → registered (the home filed its record: an institution id) | closed
down (取缔). Stream ``unregistered-home-<id>`` (stream type ``unregistered-home``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes


class CaseStatus(StrEnum):
    NONE = "none"
    REPORTED = "reported"
    REGISTERED = "registered"
    CLOSED_DOWN = "closed_down"


@dataclass(frozen=True, slots=True)
class UnregisteredHomeReported(DomainEvent):
    case_id: str
    name: str
    township: str
    address: str
    residents: int
    """People found living there when reported (an estimate)."""
    reported_on: str


@dataclass(frozen=True, slots=True)
class UnregisteredHomeRegistered(DomainEvent):
    """The home filed its record: it is now ``institution_id``."""

    case_id: str
    institution_id: str
    on: str


@dataclass(frozen=True, slots=True)
class UnregisteredHomeClosedDown(DomainEvent):
    """The home was closed down (取缔), its residents placed elsewhere."""

    case_id: str
    on: str
    note: str


UNREGISTERED_EVENTS = EventTypes(
    UnregisteredHomeReported, UnregisteredHomeRegistered, UnregisteredHomeClosedDown
)


@dataclass(frozen=True, slots=True)
class UnregisteredHome:
    case_id: str | None = None
    name: str = ""
    township: str = ""
    address: str = ""
    residents: int = 0
    reported_on: date | None = None
    status: CaseStatus = CaseStatus.NONE
    closed_on: date | None = None
    institution_id: str | None = None
    note: str = ""

    @property
    def open(self) -> bool:
        return self.status is CaseStatus.REPORTED


def evolve(state: UnregisteredHome, event: DomainEvent) -> UnregisteredHome:
    match event:
        case UnregisteredHomeReported():
            return UnregisteredHome(
                event.case_id,
                event.name,
                event.township,
                event.address,
                event.residents,
                date.fromisoformat(event.reported_on),
                CaseStatus.REPORTED,
            )
        case UnregisteredHomeRegistered():
            return replace(
                state,
                status=CaseStatus.REGISTERED,
                closed_on=date.fromisoformat(event.on),
                institution_id=event.institution_id,
            )
        case UnregisteredHomeClosedDown():
            return replace(
                state, status=CaseStatus.CLOSED_DOWN, closed_on=date.fromisoformat(event.on), note=event.note
            )
    return state


def report(
    state: UnregisteredHome,
    *,
    case_id: str,
    name: str,
    township: str,
    address: str,
    residents: int,
    reported_on: date,
    today: date,
) -> list[DomainEvent]:
    if state.case_id is not None:
        raise Conflict("case_exists", "this case is recorded already", field="case_id")
    if reported_on > today:
        raise DomainError("date_in_future", "reported_on is today or earlier", field="reported_on")
    return [
        UnregisteredHomeReported(
            case_id, name.strip(), township, address.strip(), residents, reported_on.isoformat()
        )
    ]


def _open(state: UnregisteredHome, on: date, today: date) -> str:
    if state.case_id is None:
        raise NotFound("case_not_found", "no such unregistered-home case", field="case_id")
    if not state.open:
        raise Conflict("case_closed", f"the case is {state.status.value} already", field="case_id")
    assert state.reported_on is not None
    if on > today:
        raise DomainError("date_in_future", "on is today or earlier", field="on")
    if on < state.reported_on:
        raise DomainError("before_report", "the case closes after its report", field="on")
    return state.case_id


def registered(state: UnregisteredHome, *, institution_id: str, on: date, today: date) -> list[DomainEvent]:
    """Closed as registered: the home's record (``institution_id``) exists (checked by the unit)."""
    return [UnregisteredHomeRegistered(_open(state, on, today), institution_id, on.isoformat())]


def closed_down(state: UnregisteredHome, *, on: date, note: str, today: date) -> list[DomainEvent]:
    return [UnregisteredHomeClosedDown(_open(state, on, today), on.isoformat(), note.strip())]
