"""Death registration (死亡登记): one per person. It is corrected by a new event, never changed;
a court's revocation of a declared death (宣告死亡) revokes it.

The decisions (register, correct, revoke) and their effects on the person's marriage are the
marriage area's (``domain/marriage``); this module is the record every area reads: the plot
assignment of the burial area needs a registered death of a resident of the cemetery's villages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from minzheng_kernel.events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class DeathRegistered(DomainEvent):
    """A death was registered (死亡登记). ``residence`` is the deceased's 户籍 village (12-digit
    code): it decides which 公益性 cemetery may take them."""

    registration_id: str
    deceased: str
    """The resident ID (18 characters)."""
    date_of_death: str
    place: str
    """Division where the death occurred (or the court, for a declared death)."""
    residence: str
    registered_at: str
    office: str
    """The registering office's division code."""
    declared: bool = False
    """A court's declaration of death (宣告死亡): ``date_of_death`` is the judgment's date."""


@dataclass(frozen=True, slots=True)
class DeathRegistrationCorrected(DomainEvent):
    """A registered death's facts corrected (更正): a new event, the first one never changes."""

    registration_id: str
    date_of_death: str
    place: str
    residence: str
    reason: str
    deceased: str = ""
    """The resident ID (18 characters), for the published correction (empty in none stored before)."""


@dataclass(frozen=True, slots=True)
class DeathRegistrationRevoked(DomainEvent):
    """A declared death revoked by a court (撤销死亡宣告)."""

    registration_id: str
    reason: str


DEATH_EVENTS = EventTypes(DeathRegistered, DeathRegistrationCorrected, DeathRegistrationRevoked)


@dataclass(frozen=True, slots=True)
class DeathRecord:
    """The state of a person's death registration (``None`` fields: none registered)."""

    registration_id: str | None = None
    deceased: str | None = None
    date_of_death: date | None = None
    place: str | None = None
    residence: str | None = None
    registered_at: str | None = None
    declared: bool = False
    revoked: bool = False
    corrections: int = 0

    @property
    def is_dead(self) -> bool:
        return self.registration_id is not None and not self.revoked


def evolve(state: DeathRecord, event: DomainEvent) -> DeathRecord:
    match event:
        case DeathRegistered():
            return DeathRecord(
                registration_id=event.registration_id,
                deceased=event.deceased,
                date_of_death=date.fromisoformat(event.date_of_death),
                place=event.place,
                residence=event.residence,
                registered_at=event.registered_at,
                declared=event.declared,
            )
        case DeathRegistrationCorrected():
            return replace(
                state,
                date_of_death=date.fromisoformat(event.date_of_death),
                place=event.place,
                residence=event.residence,
                corrections=state.corrections + 1,
            )
        case DeathRegistrationRevoked():
            return replace(state, revoked=True)
    return state
