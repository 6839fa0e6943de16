"""Contracts published by the registry service about funerals and burial (殡葬).

:class:`CremationRecorded` feeds the cremation rate (火化率 = cremations ÷ deaths, per area): it
names the death registration it belongs to and the deceased's residence division, the same
division a province counts the deaths of (``DeathRegistered``)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.resident_id import ResidentId

__all__ = ["CONTRACTS", "CremationRecorded", "CremationRecordedData", "examples"]


class CremationRecordedData(EventData):
    """A cremation recorded (火化) for a registered death."""

    registration_id: UUID = Field(description="The death registration (DeathRegistered.registration_id).")
    deceased: ResidentId
    cremated_on: date
    funeral_home: str = Field(min_length=1, max_length=200, description="The funeral home (殡仪馆).")
    residence: DivisionCode = Field(description="The deceased's 户籍 village (12-digit code).")

    @model_validator(mode="after")
    def _after_birth(self) -> Self:
        if self.cremated_on < self.deceased.birth_date:
            raise ValueError("cremated_on must not be before the birth date in the resident ID")
        return self


class CremationRecorded(IntegrationEvent[CremationRecordedData]):
    """A cremation was recorded (火化已登记)."""

    SUBJECT: ClassVar[str] = "registry.cremation.recorded"
    event_type: Literal["CremationRecorded"] = "CremationRecorded"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (CremationRecorded,)
"""The registry's funeral contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    from minzheng_contracts.resident_id import make_resident_id

    return [
        CremationRecorded.new(
            data=CremationRecordedData(
                registration_id=UUID("0d3a0000-0000-4000-8000-000000000001"),
                deceased=make_resident_id("330727", date(1940, 3, 1), 11),
                cremated_on=date(2026, 3, 1),
                funeral_home="磐安县殡仪馆",
                residence=DivisionCode("330727101201"),
            ),
            producer="registry",
            **common,
        )
    ]
