"""A home-care centre (居家养老服务中心), pure: planned (``CareCentrePlanned``) → built
(``CareCentreBuilt``) → accepted (``CareCentreAccepted``: "完成一个验收一个", one accepted as each
is finished, F0 L155) → operating (``CareCentreOpened``). Each step only from the one before it
(409 naming the rule), on a day not before the step before it nor after today (422)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes


class Status(StrEnum):
    PLANNED = "planned"  # 规划
    BUILT = "built"  # 建成
    ACCEPTED = "accepted"  # 验收
    OPERATING = "operating"  # 运营


@dataclass(frozen=True, slots=True)
class CareCentrePlanned(DomainEvent):
    """A centre planned (规划建设) in a township or village."""

    centre_id: str
    name: str
    division: str
    planned_on: str


@dataclass(frozen=True, slots=True)
class CareCentreBuilt(DomainEvent):
    """Construction finished (建成)."""

    centre_id: str
    built_on: str


@dataclass(frozen=True, slots=True)
class CareCentreAccepted(DomainEvent):
    """Accepted (验收合格): from now on it may be paid subsidies."""

    centre_id: str
    accepted_on: str


@dataclass(frozen=True, slots=True)
class CareCentreOpened(DomainEvent):
    """In operation (投入运营)."""

    centre_id: str
    opened_on: str


CENTRE_EVENTS = EventTypes(CareCentrePlanned, CareCentreBuilt, CareCentreAccepted, CareCentreOpened)


@dataclass(frozen=True, slots=True)
class Centre:
    centre_id: str | None = None
    name: str = ""
    division: str = ""
    status: Status = Status.PLANNED
    planned_on: date | None = None
    built_on: date | None = None
    accepted_on: date | None = None
    opened_on: date | None = None

    @property
    def exists(self) -> bool:
        return self.centre_id is not None

    @property
    def payable(self) -> bool:
        """Accepted or operating: subsidies may be paid (补助只给验收合格的中心)."""
        return self.status in (Status.ACCEPTED, Status.OPERATING)


def evolve(state: Centre, event: DomainEvent) -> Centre:
    match event:
        case CareCentrePlanned():
            return Centre(
                event.centre_id,
                event.name,
                event.division,
                Status.PLANNED,
                date.fromisoformat(event.planned_on),
            )
        case CareCentreBuilt():
            return replace(state, status=Status.BUILT, built_on=date.fromisoformat(event.built_on))
        case CareCentreAccepted():
            return replace(state, status=Status.ACCEPTED, accepted_on=date.fromisoformat(event.accepted_on))
        case CareCentreOpened():
            return replace(state, status=Status.OPERATING, opened_on=date.fromisoformat(event.opened_on))
    return state


def plan(state: Centre, *, centre_id: str, name: str, division: str, planned_on: date) -> list[DomainEvent]:
    """Plan a centre; the same id again with the same plan is a repeat (nothing new), with another
    plan 409 ``id_reused``. A county code is not a centre's place (422 ``not_township_or_village``)."""
    if len(division) not in (9, 12):
        raise DomainError(
            "not_township_or_village",
            "a centre is in a township (9 digits) or a village (12)",
            field="division",
        )
    if state.exists:
        if (state.name, state.division, state.planned_on) == (name, division, planned_on):
            return []
        raise Conflict(
            "id_reused", f"centre {centre_id} is planned already, with another plan", field="centre_id"
        )
    return [CareCentrePlanned(centre_id, name, division, planned_on.isoformat())]


def _known(state: Centre) -> None:
    if not state.exists:
        raise NotFound("centre_not_found", "no such home-care centre", field="centre_id")


def _day(on: date, after: date | None, today: date, field: str, rule: str, what: str) -> None:
    if on > today:
        raise DomainError(
            f"{field.removesuffix('_on')}_in_future", f"{field} is not after today", field=field
        )
    if after is not None and on < after:
        raise DomainError(rule, f"{field} is not before {what} ({after.isoformat()})", field=field)


def build(state: Centre, *, built_on: date, today: date) -> list[DomainEvent]:
    _known(state)
    if state.status is not Status.PLANNED:
        raise Conflict(
            "centre_already_built", f"the centre is {state.status.value} already", field="built_on"
        )
    _day(built_on, state.planned_on, today, "built_on", "built_before_planned", "the plan")
    assert state.centre_id is not None
    return [CareCentreBuilt(state.centre_id, built_on.isoformat())]


def accept(state: Centre, *, accepted_on: date, today: date) -> list[DomainEvent]:
    """Acceptance (验收) only of a built centre: one accepted as each is finished."""
    _known(state)
    if state.status is Status.PLANNED:
        raise Conflict("centre_not_built", "only a built centre is accepted", field="accepted_on")
    if state.status is not Status.BUILT:
        raise Conflict(
            "centre_already_accepted", f"the centre is {state.status.value} already", field="accepted_on"
        )
    _day(accepted_on, state.built_on, today, "accepted_on", "accepted_before_built", "the building")
    assert state.centre_id is not None
    return [CareCentreAccepted(state.centre_id, accepted_on.isoformat())]


def open_centre(state: Centre, *, opened_on: date, today: date) -> list[DomainEvent]:
    """Operation only of an accepted centre."""
    _known(state)
    if state.status in (Status.PLANNED, Status.BUILT):
        raise Conflict("centre_not_accepted", "only an accepted centre starts operating", field="opened_on")
    if state.status is Status.OPERATING:
        raise Conflict("centre_already_operating", "the centre is operating already", field="opened_on")
    _day(opened_on, state.accepted_on, today, "opened_on", "opened_before_accepted", "the acceptance")
    assert state.centre_id is not None
    return [CareCentreOpened(state.centre_id, opened_on.isoformat())]
