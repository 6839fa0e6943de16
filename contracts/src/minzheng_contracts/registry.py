"""Contracts published by the registry service (登记: 死亡登记, …).

The assistance service reacts to :class:`DeathRegistered` (停发救助金) before the registry service exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.resident_id import ResidentId

__all__ = ["CONTRACTS", "DeathRegistered", "DeathRegisteredData", "examples"]

_LATEST_ZONE = timezone(timedelta(hours=14))


class DeathRegisteredData(EventData):
    """A death was registered (死亡登记)."""

    registration_id: UUID
    deceased: ResidentId
    date_of_death: date
    place: DivisionCode
    registered_at: AwareDatetime

    @model_validator(mode="after")
    def _dates_are_consistent(self) -> Self:
        if self.date_of_death < self.deceased.birth_date:
            raise ValueError("date_of_death must not be before the birth date in the resident ID")
        # The latest local date anywhere (UTC+14): never rejects a registration made on the day of death.
        if self.registered_at.astimezone(_LATEST_ZONE).date() < self.date_of_death:
            raise ValueError("registered_at must not be before date_of_death")
        return self


class DeathRegistered(IntegrationEvent[DeathRegisteredData]):
    """A death was registered (死亡已登记)."""

    SUBJECT: ClassVar[str] = "registry.death.registered"
    event_type: Literal["DeathRegistered"] = "DeathRegistered"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (DeathRegistered,)
"""The registry's marriage and death contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    from minzheng_contracts.resident_id import make_resident_id

    deceased = make_resident_id("330727", date(1940, 3, 1), 11)
    return [
        DeathRegistered.new(
            data=DeathRegisteredData(
                registration_id=UUID("0d3a0000-0000-4000-8000-000000000001"),
                deceased=deceased,
                date_of_death=date(2026, 2, 27),
                place=DivisionCode("330727101201"),
                registered_at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8))),
            ),
            producer="registry",
            **common,
        )
    ]
