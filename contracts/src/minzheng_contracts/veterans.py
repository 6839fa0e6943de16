"""Contracts published by the veterans service (优抚安置) about entitled persons (优抚对象): what
the provincial roll consumes (category, grade, the standard paid on, cancellations with reasons).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.period import Period
from minzheng_contracts.resident_id import ResidentId

__all__ = [
    "CONTRACTS",
    "EntitlementCancelled",
    "EntitlementCancelledData",
    "EntitlementStarted",
    "EntitlementStartedData",
    "VeteranCategory",
    "examples",
]

VeteranCategory = Literal[
    "disabled",
    "survivor",
    "red_army",
    "demobilised",
    "ill_returned",
    "combat_or_test",
    "rural_veteran_60",
    "martyr_elderly_child",
]
"""残疾军人, 三属 (定期抚恤金), 三红, 在乡老复员, 带病回乡, 参战参试, 农村籍老兵 (60+), 烈士老年子女."""

EntitlementId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9a-f-]+$")]
Key = Annotated[
    str | None,
    Field(
        default=None,
        pattern=r"^((war|duty|illness)\.([1-9]|10)|martyr|duty|illness)$",
        description="disabled: <nature>.<grade> (war 因战 / duty 因公 / illness 因病, 1–10); "
        "survivor: martyr 烈属 / duty 因公牺牲遗属 / illness 病故遗属; none otherwise.",
    ),
]


class EntitlementStartedData(EventData):
    """An entitlement recognised (认定) or transferred in (迁入): paid here from ``starts``."""

    entitlement_id: EntitlementId
    person: ResidentId
    residence: DivisionCode
    category: VeteranCategory
    key: Key = None
    service_years: int = Field(
        default=1, ge=1, le=60, description="rural_veteran_60: years of conscript service"
    )
    approved_on: date
    starts: Period
    standard_id: str | None = Field(
        min_length=1, max_length=120, description="the standard in force in ``starts`` (none: not set yet)"
    )
    transferred_from: DivisionCode | None = None

    @model_validator(mode="after")
    def _key(self) -> Self:
        if (self.category in ("disabled", "survivor")) != (self.key is not None):
            raise ValueError("key is given for disabled and survivor only, and for them always")
        if self.category == "disabled" and self.key is not None and "." not in self.key:
            raise ValueError("a disabled key is <nature>.<grade>")
        if self.category == "survivor" and self.key is not None and "." in self.key:
            raise ValueError("a survivor key is martyr, duty or illness")
        return self


class EntitlementStarted(IntegrationEvent[EntitlementStartedData]):
    """A person entitled in a category, paid from a month (优抚对象认定)."""

    SUBJECT: ClassVar[str] = "veterans.entitlement.started"
    event_type: Literal["EntitlementStarted"] = "EntitlementStarted"
    schema_version: Literal[1] = 1


class EntitlementCancelledData(EventData):
    """An entitlement ended (注销): nothing is paid here from ``effective_from``."""

    entitlement_id: EntitlementId
    person: ResidentId
    residence: DivisionCode
    category: VeteranCategory
    key: Key = None
    reason: Literal["death", "disqualified", "revoked", "transferred_out"]
    effective_from: Period
    transferred_to: DivisionCode | None = None

    @model_validator(mode="after")
    def _transfer(self) -> Self:
        if (self.reason == "transferred_out") != (self.transferred_to is not None):
            raise ValueError("transferred_to is given exactly for a transfer out")
        return self


class EntitlementCancelled(IntegrationEvent[EntitlementCancelledData]):
    """An entitlement cancelled, with its reason (death, disqualification, revocation, transfer)."""

    SUBJECT: ClassVar[str] = "veterans.entitlement.cancelled"
    event_type: Literal["EntitlementCancelled"] = "EntitlementCancelled"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (EntitlementStarted, EntitlementCancelled)
"""The veterans service's contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    from minzheng_contracts.resident_id import make_resident_id

    person = make_resident_id("330727", date(1952, 3, 4), 19)
    eid = "e1700000-0000-4000-8000-000000000001"
    return [
        EntitlementStarted.new(
            data=EntitlementStartedData(
                entitlement_id=eid,
                person=person,
                residence=DivisionCode("330727101201"),
                category="disabled",
                key="war.4",
                approved_on=date(2026, 2, 10),
                starts=Period(2026, 3),
                standard_id="pension.disabled.war.4:330727:2019-08-01",
            ),
            producer="veterans",
            **common,
        ),
        EntitlementCancelled.new(
            data=EntitlementCancelledData(
                entitlement_id=eid,
                person=person,
                residence=DivisionCode("330727101201"),
                category="disabled",
                key="war.4",
                reason="transferred_out",
                effective_from=Period(2027, 1),
                transferred_to=DivisionCode("330782"),
            ),
            producer="veterans",
            **common,
        ),
    ]
