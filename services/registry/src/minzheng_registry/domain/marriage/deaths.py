"""Death registration decisions (死亡登记): one per person, corrected by a new event, never
changed (the record itself is ``domain/death.py``, which every area reads)."""

from __future__ import annotations

from datetime import date, datetime

from minzheng_contracts import ResidentId
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

from ..death import DeathRecord, DeathRegistered, DeathRegistrationCorrected, DeathRegistrationRevoked


def _dates(deceased: ResidentId, date_of_death: date, today: date) -> None:
    if date_of_death < deceased.birth_date:
        raise DomainError(
            "date_of_death_before_birth",
            "the date of death is before the birth date in the ID",
            field="date_of_death",
        )
    if date_of_death > today:
        raise DomainError(
            "date_of_death_in_future",
            "the date of death is after today (the county's date)",
            field="date_of_death",
        )


def register(
    record: DeathRecord,
    *,
    registration_id: str,
    deceased: ResidentId,
    date_of_death: date,
    place: str,
    residence: str,
    office: str,
    now: datetime,
    today: date,
    declared: bool = False,
) -> list[DomainEvent]:
    """Register a death; a second one of the person is refused (409
    ``death_already_registered``, naming the first registration)."""
    if record.is_dead:
        raise Conflict(
            "death_already_registered",
            f"this person's death is already registered as {record.registration_id}",
            field="deceased",
        )
    _dates(deceased, date_of_death, today)
    return [
        DeathRegistered(
            registration_id,
            deceased.reveal(),
            date_of_death.isoformat(),
            place,
            residence,
            now.isoformat(),
            office,
            declared,
        )
    ]


def correct(
    record: DeathRecord,
    *,
    registration_id: str,
    date_of_death: date,
    place: str,
    residence: str,
    reason: str,
    today: date,
) -> list[DomainEvent]:
    """Correct a registered death's facts (更正): a new event; the registration never changes."""
    if record.registration_id is None or record.registration_id != registration_id or record.deceased is None:
        raise NotFound("death_not_found", "no such death registration", field="registration_id")
    if record.revoked:
        raise Conflict("death_revoked", "the declaration of death was revoked", field="registration_id")
    _dates(ResidentId(record.deceased), date_of_death, today)
    registered = local_date(datetime.fromisoformat(record.registered_at)) if record.registered_at else today
    if date_of_death > registered:
        raise DomainError(
            "date_of_death_after_registration",
            "the date of death is after the registration",
            field="date_of_death",
        )
    if (date_of_death, place, residence) == (record.date_of_death, record.place, record.residence):
        raise Conflict("nothing_to_correct", "the correction changes nothing", field="date_of_death")
    return [
        DeathRegistrationCorrected(
            registration_id, date_of_death.isoformat(), place, residence, reason, record.deceased
        )
    ]


def revoke(record: DeathRecord, *, registration_id: str, reason: str) -> list[DomainEvent]:
    """A court revoked a declaration of death (撤销死亡宣告): only a declared death is revoked."""
    if record.registration_id != registration_id:
        raise NotFound("death_not_found", "no such death registration", field="registration_id")
    if not record.declared:
        raise Conflict(
            "not_a_declared_death", "only a court's declaration of death is revoked", field="registration_id"
        )
    if record.revoked:
        raise Conflict(
            "death_revoked", "the declaration of death was already revoked", field="registration_id"
        )
    return [DeathRegistrationRevoked(registration_id, reason)]
