"""A person's marital status (婚姻状况), one stream per resident: the consistency boundary of the
monogamy rule. unmarried → married → divorced | widowed → married …; deceased is terminal.

Every marriage, divorce and death appends here at the version the unit loaded, so of two
registrations that share a person exactly one commits (the other retries and is refused).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent, EventTypes


class MaritalStatus(StrEnum):
    UNMARRIED = "unmarried"  # 未婚
    MARRIED = "married"  # 有配偶
    DIVORCED = "divorced"  # 离婚
    WIDOWED = "widowed"  # 丧偶
    DECEASED = "deceased"  # 死亡


@dataclass(frozen=True, slots=True)
class PersonMarried(DomainEvent):
    """The person married (结婚登记): ``spouse`` is the spouse's resident ID."""

    marriage_id: str
    spouse: str
    registered_on: str


@dataclass(frozen=True, slots=True)
class PersonDivorced(DomainEvent):
    """The person's marriage was dissolved by divorce registration (离婚)."""

    marriage_id: str
    registered_on: str


@dataclass(frozen=True, slots=True)
class PersonWidowed(DomainEvent):
    """The person's spouse died (丧偶)."""

    marriage_id: str
    date_of_death: str
    registration_id: str


@dataclass(frozen=True, slots=True)
class PersonDeceased(DomainEvent):
    """The person's death was registered (死亡登记)."""

    registration_id: str
    date_of_death: str


@dataclass(frozen=True, slots=True)
class NoMarriageRecordCertified(DomainEvent):
    """A certificate of no marriage record (无婚姻登记记录证明) was issued to the person."""

    certificate_number: str
    certified_on: str
    office: str


@dataclass(frozen=True, slots=True)
class PersonDeathRevoked(DomainEvent):
    """A court revoked the person's declaration of death (撤销死亡宣告): ``status`` is theirs from
    now on (married again if the marriage revived, else as before the declaration, a marriage
    it dissolved counted as ``divorced`` [assume])."""

    registration_id: str
    status: str


@dataclass(frozen=True, slots=True)
class PersonMarriageRevived(DomainEvent):
    """The spouse's declaration of death was revoked and the marriage revived (art. 51)."""

    marriage_id: str
    revived_on: str


PERSON_EVENTS = EventTypes(
    PersonMarried,
    PersonDivorced,
    PersonWidowed,
    PersonDeceased,
    NoMarriageRecordCertified,
    PersonDeathRevoked,
    PersonMarriageRevived,
)


@dataclass(frozen=True, slots=True)
class PersonStatus:
    status: MaritalStatus = MaritalStatus.UNMARRIED
    marriage_id: str | None = None
    """The current marriage (married), or the last one (divorced, widowed)."""
    spouse: str | None = None
    marriages: tuple[str, ...] = ()
    no_record_certificates: tuple[str, ...] = ()
    before_death: MaritalStatus | None = None
    """The status the person had when their death was registered (for a revocation)."""

    @property
    def married(self) -> bool:
        return self.status is MaritalStatus.MARRIED


def evolve(state: PersonStatus, event: DomainEvent) -> PersonStatus:
    match event:
        case PersonMarried():
            return replace(
                state,
                status=MaritalStatus.MARRIED,
                marriage_id=event.marriage_id,
                spouse=event.spouse,
                marriages=(*state.marriages, event.marriage_id),
            )
        case PersonDivorced():
            return replace(state, status=MaritalStatus.DIVORCED)
        case PersonWidowed():
            return replace(state, status=MaritalStatus.WIDOWED)
        case PersonDeceased():
            return replace(state, status=MaritalStatus.DECEASED, before_death=state.status)
        case PersonDeathRevoked():
            return replace(state, status=MaritalStatus(event.status), before_death=None)
        case PersonMarriageRevived():
            return replace(state, status=MaritalStatus.MARRIED, marriage_id=event.marriage_id)
        case NoMarriageRecordCertified():
            return replace(
                state, no_record_certificates=(*state.no_record_certificates, event.certificate_number)
            )
    return state


def require_free_to_marry(state: PersonStatus, field: str) -> None:
    """Refuse a party who is currently married (``already_married``) or deceased
    (``party_deceased``), naming the party's field."""
    if state.status is MaritalStatus.DECEASED:
        raise DomainError("party_deceased", f"the {field} is registered as deceased", field=field)
    if state.married:
        raise Conflict("already_married", f"the {field} is currently married", field=field)


def marry(state: PersonStatus, *, marriage_id: str, spouse: str, on: str, field: str) -> list[DomainEvent]:
    require_free_to_marry(state, field)
    return [PersonMarried(marriage_id, spouse, on)]


def divorce(state: PersonStatus, *, marriage_id: str, on: str) -> list[DomainEvent]:
    if not state.married or state.marriage_id != marriage_id:
        raise Conflict("not_married", "the person is not married by this marriage", field="marriage_id")
    return [PersonDivorced(marriage_id, on)]


def die(state: PersonStatus, *, registration_id: str, date_of_death: str) -> list[DomainEvent]:
    if state.status is MaritalStatus.DECEASED:
        raise Conflict(
            "death_already_registered", "the person is already registered as deceased", field="deceased"
        )
    return [PersonDeceased(registration_id, date_of_death)]


def widow(
    state: PersonStatus, *, marriage_id: str, date_of_death: str, registration_id: str
) -> list[DomainEvent]:
    if not state.married or state.marriage_id != marriage_id:
        return []  # not (or no longer) married by it: nothing changes
    return [PersonWidowed(marriage_id, date_of_death, registration_id)]


def certify_no_record(
    state: PersonStatus, *, certificate_number: str, on: str, office: str
) -> list[DomainEvent]:
    """A certificate of no marriage record (无婚姻登记记录证明) certifies that there is no marriage
    registration at all: refused (409 ``marriage_on_record``) for anyone with any marriage on
    record, married, divorced or widowed alike (and 422 ``party_deceased`` for the deceased)."""
    require_no_marriage_record(state)
    return [NoMarriageRecordCertified(certificate_number, on, office)]


def require_no_marriage_record(state: PersonStatus) -> None:
    if state.status is MaritalStatus.DECEASED:
        raise DomainError("party_deceased", "the person is registered as deceased", field="resident_id")
    if state.marriages or state.status is not MaritalStatus.UNMARRIED:
        raise Conflict(
            "marriage_on_record",
            f"the person has a marriage on record (status {state.status.value})",
            field="resident_id",
        )


def require_no_current_marriage(state: PersonStatus) -> None:
    if state.status is MaritalStatus.DECEASED:
        raise DomainError("party_deceased", "the person is registered as deceased", field="resident_id")
    if state.married:
        raise Conflict("currently_married", "the person is currently married", field="resident_id")


def revoke_death(state: PersonStatus, *, registration_id: str, marriage_revived: bool) -> list[DomainEvent]:
    """The person is alive again: married if their marriage revived; a marriage the declaration
    dissolved and that did not revive counts as dissolved (``divorced`` [assume])."""
    if state.status is not MaritalStatus.DECEASED:
        return []
    before = state.before_death or MaritalStatus.UNMARRIED
    if marriage_revived:
        after = MaritalStatus.MARRIED
    elif before is MaritalStatus.MARRIED:
        after = MaritalStatus.DIVORCED
    else:
        after = before
    return [PersonDeathRevoked(registration_id, after.value)]


def may_revive(state: PersonStatus, marriage_id: str) -> bool:
    """The spouse is still widowed by this marriage (has not remarried)."""
    return state.status is MaritalStatus.WIDOWED and state.marriage_id == marriage_id


def revive(state: PersonStatus, *, marriage_id: str, on: str) -> list[DomainEvent]:
    return [PersonMarriageRevived(marriage_id, on)] if may_revive(state, marriage_id) else []
