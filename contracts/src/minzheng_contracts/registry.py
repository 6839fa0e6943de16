"""Contracts published by the registry service (登记: 死亡登记, …).

The assistance service reacts to :class:`DeathRegistered` (停发救助金) before the registry service exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.resident_id import ResidentId

__all__ = [
    "CONTRACTS",
    "CertificateReissued",
    "CertificateReissuedData",
    "DeathRegistered",
    "DeathRegisteredData",
    "DeathRegistrationCorrected",
    "DeathRegistrationCorrectedData",
    "DivorceRegistered",
    "DivorceRegisteredData",
    "MarriageRegistered",
    "MarriageRegisteredData",
    "examples",
]

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


MARRIAGE_CERTIFICATE = r"^B?J[0-9]{6}-[0-9]{4}-[0-9]{6}$"
DIVORCE_CERTIFICATE = r"^B?L[0-9]{6}-[0-9]{4}-[0-9]{6}$"


def _man_and_woman(husband: ResidentId, wife: ResidentId) -> None:
    if husband.sex != "male" or wife.sex != "female":
        raise ValueError("husband must be a man and wife a woman by the resident ID (digit 17)")


class MarriageRegisteredData(EventData):
    """A marriage was registered (结婚登记), for the national marriage database."""

    marriage_id: UUID
    certificate_number: str = Field(
        pattern=MARRIAGE_CERTIFICATE, description="J + office division + year + serial: J330727-2026-000001"
    )
    husband: ResidentId
    wife: ResidentId
    registered_on: date
    office: DivisionCode = Field(description="The registering office's division code.")

    @model_validator(mode="after")
    def _parties(self) -> Self:
        _man_and_woman(self.husband, self.wife)
        return self


class MarriageRegistered(IntegrationEvent[MarriageRegisteredData]):
    """A marriage was registered (结婚登记)."""

    SUBJECT: ClassVar[str] = "registry.marriage.registered"
    event_type: Literal["MarriageRegistered"] = "MarriageRegistered"
    schema_version: Literal[1] = 1


class DivorceRegisteredData(EventData):
    """A divorce was registered (离婚登记) after the cooling-off period: the marriage is dissolved."""

    marriage_id: UUID
    application_id: UUID
    certificate_number: str = Field(
        pattern=DIVORCE_CERTIFICATE, description="L + office division + year + serial: L330727-2026-000001"
    )
    husband: ResidentId
    wife: ResidentId
    registered_on: date
    office: DivisionCode = Field(description="The office that received the application and registered it.")

    @model_validator(mode="after")
    def _parties(self) -> Self:
        _man_and_woman(self.husband, self.wife)
        return self


class DivorceRegistered(IntegrationEvent[DivorceRegisteredData]):
    """A marriage was dissolved by divorce registration (离婚登记)."""

    SUBJECT: ClassVar[str] = "registry.marriage.dissolved"
    event_type: Literal["DivorceRegistered"] = "DivorceRegistered"
    schema_version: Literal[1] = 1


ANY_CERTIFICATE = r"^B?[JL][0-9]{6}-[0-9]{4}-[0-9]{6}$"
REISSUED_CERTIFICATE = r"^B[JL][0-9]{6}-[0-9]{4}-[0-9]{6}$"


class CertificateReissuedData(EventData):
    """A marriage or divorce certificate was reissued (补领结婚证/离婚证): the old number is void."""

    old_number: str = Field(pattern=ANY_CERTIFICATE, description="The certificate now void (J/L/BJ/BL…).")
    new_number: str = Field(pattern=REISSUED_CERTIFICATE, description="BJ… or BL…: BJ330727-2026-000001")
    kind: Literal["marriage", "divorce"]
    husband: ResidentId
    wife: ResidentId
    reissued_on: date
    office: DivisionCode = Field(description="The reissuing office's division code.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _man_and_woman(self.husband, self.wife)
        letter = "J" if self.kind == "marriage" else "L"
        if self.new_number[1] != letter or self.old_number.lstrip("B")[0] != letter:
            raise ValueError(f"a {self.kind} certificate's numbers start with {letter} or B{letter}")
        return self


class CertificateReissued(IntegrationEvent[CertificateReissuedData]):
    """A certificate was reissued (补发证书), for the national marriage database."""

    SUBJECT: ClassVar[str] = "registry.certificate.reissued"
    event_type: Literal["CertificateReissued"] = "CertificateReissued"
    schema_version: Literal[1] = 1


class DeathRegistrationCorrectedData(EventData):
    """A registered death's facts were corrected (死亡登记更正); the first registration stands,
    these are its facts from now on."""

    registration_id: UUID
    deceased: ResidentId
    date_of_death: date
    place: DivisionCode
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _dates_are_consistent(self) -> Self:
        if self.date_of_death < self.deceased.birth_date:
            raise ValueError("date_of_death must not be before the birth date in the resident ID")
        return self


class DeathRegistrationCorrected(IntegrationEvent[DeathRegistrationCorrectedData]):
    """A death registration was corrected (死亡登记已更正)."""

    SUBJECT: ClassVar[str] = "registry.death.corrected"
    event_type: Literal["DeathRegistrationCorrected"] = "DeathRegistrationCorrected"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (
    DeathRegistered,
    MarriageRegistered,
    DivorceRegistered,
    CertificateReissued,
    DeathRegistrationCorrected,
)
"""The registry's marriage and death contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    from minzheng_contracts.resident_id import make_resident_id

    deceased = make_resident_id("330727", date(1940, 3, 1), 11)
    husband = make_resident_id("330727", date(1995, 6, 1), 13)  # odd 17th digit: a man
    wife = make_resident_id("330727", date(1997, 8, 9), 24)  # even: a woman
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
        ),
        MarriageRegistered.new(
            data=MarriageRegisteredData(
                marriage_id=UUID("0d3a0000-0000-4000-8000-0000000000a1"),
                certificate_number="J330727-2026-000001",
                husband=husband,
                wife=wife,
                registered_on=date(2026, 3, 2),
                office=DivisionCode("330727"),
            ),
            producer="registry",
            **common,
        ),
        DivorceRegistered.new(
            data=DivorceRegisteredData(
                marriage_id=UUID("0d3a0000-0000-4000-8000-0000000000a1"),
                application_id=UUID("0d3a0000-0000-4000-8000-0000000000b1"),
                certificate_number="L330727-2026-000001",
                husband=husband,
                wife=wife,
                registered_on=date(2026, 5, 4),
                office=DivisionCode("330727"),
            ),
            producer="registry",
            **common,
        ),
        CertificateReissued.new(
            data=CertificateReissuedData(
                old_number="J330727-2026-000001",
                new_number="BJ330727-2026-000001",
                kind="marriage",
                husband=husband,
                wife=wife,
                reissued_on=date(2026, 6, 1),
                office=DivisionCode("330727"),
            ),
            producer="registry",
            **common,
        ),
        DeathRegistrationCorrected.new(
            data=DeathRegistrationCorrectedData(
                registration_id=UUID("0d3a0000-0000-4000-8000-000000000001"),
                deceased=deceased,
                date_of_death=date(2026, 2, 26),
                place=DivisionCode("330727101201"),
                reason="hospital certificate: died before midnight",
            ),
            producer="registry",
            **common,
        ),
    ]
