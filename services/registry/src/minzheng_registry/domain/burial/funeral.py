"""The funeral case (殡葬) of one registered death, pure: the cremation (火化, at most once), the
waiver of the basic funeral fees (基本殡葬服务费减免) and where the ashes went (骨灰去向: a plot, a
columbarium niche 骨灰堂, or an eco-burial 生态安葬).

The waiver follows the scope in force on the date of death for the deceased's residence
(``funeral_fee_waiver_scope``: 0 none, 1 低保/特困 recipients only, 2 all residents). For scope 1
the deceased must be a recipient: known from the assistance service's published contracts (the
recipients table), or shown by the officer's evidence (the assistance certificate number 救助证号),
recorded on the waiver as its basis.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from ..configuration import Parameter, WaiverScope


class Disposition(StrEnum):
    PLOT = "plot"  # 公墓墓穴
    COLUMBARIUM = "columbarium"  # 骨灰堂 (寄存)
    ECO_BURIAL = "eco_burial"  # 生态安葬: 树葬, 花葬, 海葬…


class WaiverBasis(StrEnum):
    ALL_RESIDENTS = "all_residents"  # scope 2: every resident
    ASSISTANCE_RECORD = "assistance_record"  # a 低保/特困 recipient per the assistance service
    ASSISTANCE_CERTIFICATE = "assistance_certificate"  # the officer saw the 救助证


BASIC_SERVICES = ("transport", "storage", "cremation", "urn_storage")
"""遗体接运, 暂存, 火化, 骨灰寄存: the basic funeral services (基本殡葬服务) whose fees are waived."""


@dataclass(frozen=True, slots=True)
class CremationRecorded(DomainEvent):
    """The deceased was cremated (火化) at a funeral home (殡仪馆)."""

    registration_id: str
    deceased: str
    cremated_on: str
    funeral_home: str
    residence: str


@dataclass(frozen=True, slots=True)
class BasicFuneralFeesWaived(DomainEvent):
    """The basic funeral fees waived (惠民殡葬), by the scope in force on the date of death."""

    registration_id: str
    residence: str
    services: list[str]
    scope_standard_id: str
    basis: str
    certificate: str | None = None


@dataclass(frozen=True, slots=True)
class AshesDisposed(DomainEvent):
    """Where the ashes went: a plot (``cemetery/plot/position``), a niche, an eco-burial."""

    registration_id: str
    disposition: str
    place: str
    disposed_on: str


@dataclass(frozen=True, slots=True)
class BodyBuried(DomainEvent):
    """The body buried uncremated (土葬) in the body plot assigned to the deceased
    (``cemetery/plot/position``): where burial of the body is allowed (土葬改革区)."""

    registration_id: str
    residence: str
    place: str
    buried_on: str


FUNERAL_EVENTS = EventTypes(CremationRecorded, BasicFuneralFeesWaived, AshesDisposed, BodyBuried)


@dataclass(frozen=True, slots=True)
class FuneralCase:
    registration_id: str | None = None
    residence: str | None = None
    cremated_on: str | None = None
    funeral_home: str | None = None
    waiver: BasicFuneralFeesWaived | None = None
    disposition: AshesDisposed | None = None
    buried: BodyBuried | None = None


def evolve(state: FuneralCase, event: DomainEvent) -> FuneralCase:
    match event:
        case CremationRecorded():
            return replace(
                state,
                registration_id=event.registration_id,
                residence=event.residence,
                cremated_on=event.cremated_on,
                funeral_home=event.funeral_home,
            )
        case BasicFuneralFeesWaived():
            return replace(
                state, registration_id=event.registration_id, residence=event.residence, waiver=event
            )
        case AshesDisposed():
            return replace(state, disposition=event)
        case BodyBuried():
            return replace(
                state, registration_id=event.registration_id, residence=event.residence, buried=event
            )
    return state


@dataclass(frozen=True, slots=True)
class Death:
    """The death registration as the funeral needs it."""

    registration_id: str
    deceased: str
    residence: str
    date_of_death: date


def record_cremation(
    state: FuneralCase, death: Death, *, cremated_on: date, funeral_home: str, today: date
) -> list[DomainEvent]:
    if state.cremated_on is not None:
        raise Conflict("already_cremated", "a cremation is already recorded for this death", field="deceased")
    if state.buried is not None:
        raise Conflict("already_buried", "the body is recorded as buried (土葬)", field="deceased")
    if cremated_on < death.date_of_death:
        raise DomainError(
            "cremated_before_death", "the cremation is on or after the date of death", field="cremated_on"
        )
    if cremated_on > today:
        raise DomainError(
            "cremated_in_future", "the cremation date is not in the future", field="cremated_on"
        )
    return [
        CremationRecorded(
            death.registration_id, death.deceased, cremated_on.isoformat(), funeral_home, death.residence
        )
    ]


def waive_basic_fees(
    state: FuneralCase,
    death: Death,
    standards: StandardsTable,
    *,
    services: list[str],
    recipient: bool,
    certificate: str | None,
) -> list[DomainEvent]:
    """Waive the fees of ``services`` by the scope in force on the date of death at the residence;
    ``recipient``: the assistance service's record shows a 低保/特困 recipient."""
    if state.waiver is not None:
        raise Conflict(
            "fees_already_waived",
            "the basic fees of this funeral are already waived",
            field="registration_id",
        )
    unknown = [s for s in services if s not in BASIC_SERVICES]
    if unknown or not services or len(set(services)) != len(services):
        raise DomainError(
            "invalid_services", f"services are distinct ones of {', '.join(BASIC_SERVICES)}", field="services"
        )
    standard = standards.in_force(
        Parameter.FUNERAL_FEE_WAIVER_SCOPE.value, death.residence, death.date_of_death
    )
    scope = WaiverScope.of(standard.value)
    if scope is WaiverScope.NONE:
        raise DomainError(
            "waiver_not_in_scope",
            f"no waiver is in force on the date of death ({standard.standard_id})",
            field="registration_id",
        )
    if scope is WaiverScope.ALL_RESIDENTS:
        basis, kept = WaiverBasis.ALL_RESIDENTS, None
    elif recipient:
        basis, kept = WaiverBasis.ASSISTANCE_RECORD, None
    elif certificate:
        basis, kept = WaiverBasis.ASSISTANCE_CERTIFICATE, certificate
    else:
        raise DomainError(
            "not_assistance_recipient",
            f"the waiver in force ({standard.standard_id}) covers 低保/特困 recipients only: no assistance "
            "record of the deceased, give the assistance certificate number",
            field="assistance_certificate",
        )
    return [
        BasicFuneralFeesWaived(
            death.registration_id, death.residence, list(services), standard.standard_id, basis.value, kept
        )
    ]


def dispose_ashes(
    state: FuneralCase, *, disposition: Disposition, place: str, on: date, plot_held: str | None
) -> list[DomainEvent]:
    """``plot_held``: the plot position assigned to the deceased (``cemetery/plot/position``), if any."""
    if state.cremated_on is None:
        raise Conflict(
            "not_cremated", "ashes are disposed of after the cremation is recorded", field="registration_id"
        )
    if state.disposition is not None:
        raise Conflict("ashes_already_disposed", "the ashes' disposition is recorded", field="disposition")
    if on < date.fromisoformat(state.cremated_on):
        raise DomainError(
            "disposed_before_cremation", "the disposition is after the cremation", field="disposed_on"
        )
    if disposition is Disposition.PLOT:
        if plot_held is None:
            raise DomainError(
                "no_plot_assigned", "no plot position is assigned to the deceased", field="place"
            )
        place = plot_held
    assert state.registration_id is not None
    return [AshesDisposed(state.registration_id, disposition.value, place, on.isoformat())]


def bury_body(
    state: FuneralCase, death: Death, *, body_plot: str | None, on: date, today: date
) -> list[DomainEvent]:
    """Burial of the body (土葬), in the body plot (``body_single``/``body_double``) assigned to the
    deceased (``body_plot``: its ``cemetery/plot/position``, ``None`` if the deceased holds none)."""
    if state.cremated_on is not None:
        raise Conflict("already_cremated", "the deceased was cremated", field="deceased")
    if state.buried is not None:
        raise Conflict("already_buried", "the burial is already recorded", field="deceased")
    if body_plot is None:
        raise DomainError(
            "no_body_plot_assigned",
            "a body is buried in a body plot assigned to the deceased",
            field="deceased",
        )
    if on < death.date_of_death:
        raise DomainError("buried_before_death", "the burial is after the death", field="buried_on")
    if on > today:
        raise DomainError("buried_in_future", "the burial date is not in the future", field="buried_on")
    return [BodyBuried(death.registration_id, death.residence, body_plot, on.isoformat())]
