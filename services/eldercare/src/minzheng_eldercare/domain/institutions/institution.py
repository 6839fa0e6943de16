"""A care institution (养老机构), pure: registration (备案: the kind, the township, the beds and the
operating model) and its beds added or removed.

Stream ``institution-<id>`` (stream type ``institution``). Since the 2018 amendment of the law an
institution files a record instead of getting a licence [mem]. Its standing (admissions
suspended, closed) is the inspections area's, kept in the ``institution_standing`` guard row; its
occupied beds are the ``institution_beds`` guard row's (admissions and discharges move them), so
that both hold under concurrency. This aggregate decides only what its own stream knows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes

MAX_BEDS = 5_000
"""A sanity ceiling on one institution's beds (the county's largest has 120), not a figure of law."""


class Kind(StrEnum):
    """The kinds of the contract (``minzheng_contracts.eldercare.InstitutionKind``)."""

    NURSING_HOME = "nursing_home"  # 敬老院 (township)
    WELFARE_HOME = "welfare_home"  # 福利院 / 社会福利中心
    GLORY_HOME = "glory_home"  # 光荣院
    PRIVATE = "private"  # 民办养老机构


class OperatingModel(StrEnum):
    """Operating model (运营模式, A4 L245)."""

    PUBLIC_BUILT_PRIVATE_RUN = "public_built_private_run"  # 公建民营
    PUBLIC_OWNED_PRIVATE_RUN = "public_owned_private_run"  # 公办民营
    MEDICAL_CARE = "medical_care"  # 医养结合
    PUBLIC = "public"  # 公办
    PRIVATE = "private"  # 民办


@dataclass(frozen=True, slots=True)
class InstitutionRegistered(DomainEvent):
    """An institution's record filed (备案)."""

    institution_id: str
    name: str
    kind: str
    township: str
    """The township division code (9 digits) within the county."""
    beds: int
    model: str
    registered_on: str


@dataclass(frozen=True, slots=True)
class BedsAdded(DomainEvent):
    """Beds added (新增床位), with the total after."""

    institution_id: str
    added: int
    beds: int
    on: str


@dataclass(frozen=True, slots=True)
class BedsRemoved(DomainEvent):
    """Beds taken out of use (减少床位), never below the occupied ones, with the total after."""

    institution_id: str
    removed: int
    beds: int
    on: str


INSTITUTION_EVENTS = EventTypes(InstitutionRegistered, BedsAdded, BedsRemoved)


@dataclass(frozen=True, slots=True)
class Institution:
    institution_id: str | None = None
    name: str = ""
    kind: str = ""
    township: str = ""
    beds: int = 0
    model: str = ""
    registered_on: date | None = None
    registered: InstitutionRegistered | None = None
    """The registration as recorded (a re-sent one is compared with it)."""

    def exists(self) -> Institution:
        if self.institution_id is None:
            raise NotFound("institution_not_found", "no such institution", field="institution_id")
        return self


def evolve(state: Institution, event: DomainEvent) -> Institution:
    match event:
        case InstitutionRegistered():
            return Institution(
                event.institution_id,
                event.name,
                event.kind,
                event.township,
                event.beds,
                event.model,
                date.fromisoformat(event.registered_on),
                event,
            )
        case BedsAdded() | BedsRemoved():
            return replace(state, beds=event.beds)
    return state


def register(
    state: Institution,
    *,
    institution_id: str,
    name: str,
    kind: Kind,
    township: str,
    beds: int,
    model: OperatingModel,
    registered_on: date,
    today: date,
) -> list[DomainEvent]:
    """File the record (备案). The same registration re-sent changes nothing (no facts); the same
    id with other content is refused (``id_reused``)."""
    if len(township) != 9:
        raise DomainError("not_a_township", "an institution is registered in a township", field="township")
    if not 0 <= beds <= MAX_BEDS:
        raise DomainError("beds_out_of_range", f"beds are 0..{MAX_BEDS}", field="beds")
    if registered_on > today:
        raise DomainError(
            "registered_in_future", "the record is not filed in the future", field="registered_on"
        )
    name = name.strip()
    if not name:
        raise DomainError("name_required", "an institution has a name", field="name")
    fact = InstitutionRegistered(
        institution_id, name, kind.value, township, beds, model.value, registered_on.isoformat()
    )
    if state.institution_id is not None:
        if fact == state.registered:
            return []
        raise Conflict(
            "id_reused", "this institution id is registered for another record", field="institution_id"
        )
    return [fact]


def change_beds(
    state: Institution, *, change: int, occupied: int, on: date, today: date
) -> list[DomainEvent]:
    """Add (``change`` > 0) or remove beds; never below the ``occupied`` beds (the guard row's
    count, read locked in the same transaction)."""
    state.exists()
    assert state.institution_id is not None
    if change == 0:
        raise DomainError("no_change", "add or remove at least one bed", field="change")
    if on > today:
        raise DomainError("changed_in_future", "beds change today or earlier", field="on")
    after = state.beds + change
    if after > MAX_BEDS:
        raise DomainError("beds_out_of_range", f"beds are 0..{MAX_BEDS}", field="change")
    if after < occupied:
        raise Conflict(
            "beds_occupied",
            f"{occupied} beds are occupied: the institution keeps at least that many",
            field="change",
        )
    if change > 0:
        return [BedsAdded(state.institution_id, change, after, on.isoformat())]
    return [BedsRemoved(state.institution_id, -change, after, on.isoformat())]
