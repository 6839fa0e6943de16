"""Contracts published by the eldercare service (养老服务): the old-age allowance roll's starts and
ends (高龄津贴), admissions to and discharges from care institutions (which assistance reads: a 特困
person admitted to a 敬老院 is in centralised support), and overdue rectification orders (the
provincial safety-grid platform's feed).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.period import Period
from minzheng_contracts.resident_id import ResidentId

__all__ = [
    "CONTRACTS",
    "AllowanceEnded",
    "AllowanceEndedData",
    "AllowanceStarted",
    "AllowanceStartedData",
    "CareLevel",
    "DischargeDestination",
    "InstitutionKind",
    "RectificationOverdue",
    "RectificationOverdueData",
    "ResidentAdmitted",
    "ResidentAdmittedData",
    "ResidentDischarged",
    "ResidentDischargedData",
    "examples",
]

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
StandardId = Annotated[str, Field(min_length=1, max_length=120)]

BandLabel = Annotated[
    str,
    Field(
        min_length=3,
        max_length=8,
        pattern=r"^[0-9]{2,3}(-[0-9]{2,3}|\+)$",
        description="the age band, as '80-89' or '100+' (the open-ended top band)",
    ),
]

InstitutionKind = Literal["nursing_home", "welfare_home", "glory_home", "private"]
"""敬老院 (township nursing home), 福利院 / 社会福利中心, 光荣院, a private home (民办)."""

CareLevel = Literal["self_care", "partial", "full", "special"]
"""自理, 半失能 (partial), 失能 (full), 特护 (special)."""

DischargeDestination = Literal["home", "transfer", "death"]


class AllowanceStartedData(EventData):
    """An old-age allowance (高龄津贴) paid from ``starts`` in ``band``, by the standard in force."""

    allowance_id: Identifier
    person: ResidentId
    residence: DivisionCode = Field(description="where the elder lives (not the ID's address code)")
    band: BandLabel
    starts: Period
    monthly_fen: int = Field(ge=0, le=10_000_000, description="the band's amount a month, fen")
    standard_id: StandardId


class AllowanceStarted(IntegrationEvent[AllowanceStartedData]):
    """An elder's allowance started by itself at the first band (no application)."""

    SUBJECT: ClassVar[str] = "eldercare.allowance.started"
    event_type: Literal["AllowanceStarted"] = "AllowanceStarted"
    schema_version: Literal[1] = 1


class AllowanceEndedData(EventData):
    """An allowance ended: ``last_period`` is the last one paid (the month of death for a death)."""

    allowance_id: Identifier
    person: ResidentId
    residence: DivisionCode
    reason: Literal["death", "moved_away", "revoked"]
    last_period: Period
    died_on: date | None = None

    @model_validator(mode="after")
    def _death(self) -> Self:
        if (self.reason == "death") != (self.died_on is not None):
            raise ValueError("died_on is given exactly for a death")
        return self


class AllowanceEnded(IntegrationEvent[AllowanceEndedData]):
    """An elder's allowance ended (death, moving away, revocation), with its last period."""

    SUBJECT: ClassVar[str] = "eldercare.allowance.ended"
    event_type: Literal["AllowanceEnded"] = "AllowanceEnded"
    schema_version: Literal[1] = 1


class ResidentAdmittedData(EventData):
    """A person admitted to a care institution (入住), with the agreement's care level."""

    residency_id: Identifier
    institution_id: Identifier
    institution_kind: InstitutionKind
    township: DivisionCode
    person: ResidentId
    is_tekun: bool = Field(description="a 特困 person: in a nursing_home this is centralised support")
    care_level: CareLevel
    admitted_on: date


class ResidentAdmitted(IntegrationEvent[ResidentAdmittedData]):
    """A resident admitted; assistance moves a 特困 person to centralised support (集中供养)."""

    SUBJECT: ClassVar[str] = "eldercare.residency.admitted"
    event_type: Literal["ResidentAdmitted"] = "ResidentAdmitted"
    schema_version: Literal[1] = 1


class ResidentDischargedData(EventData):
    """A resident discharged (离院): home, to a transfer, or at death."""

    residency_id: Identifier
    institution_id: Identifier
    institution_kind: InstitutionKind
    township: DivisionCode
    person: ResidentId
    is_tekun: bool
    destination: DischargeDestination
    discharged_on: date


class ResidentDischarged(IntegrationEvent[ResidentDischargedData]):
    """A resident discharged; assistance moves a 特困 person back to dispersed support."""

    SUBJECT: ClassVar[str] = "eldercare.residency.discharged"
    event_type: Literal["ResidentDischarged"] = "ResidentDischarged"
    schema_version: Literal[1] = 1


class RectificationOverdueData(EventData):
    """A rectification order (整改通知) past its deadline with findings not verified fixed."""

    order_id: Identifier
    institution_id: Identifier
    township: DivisionCode
    deadline: date
    open_findings: int = Field(ge=1, le=10_000)
    overdue_at: datetime


class RectificationOverdue(IntegrationEvent[RectificationOverdueData]):
    """A rectification order overdue (raised once, at 00:00 +08:00 after the deadline)."""

    SUBJECT: ClassVar[str] = "eldercare.rectification.overdue"
    event_type: Literal["RectificationOverdue"] = "RectificationOverdue"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (
    AllowanceStarted,
    AllowanceEnded,
    ResidentAdmitted,
    ResidentDischarged,
    RectificationOverdue,
)
"""The eldercare service's contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    from datetime import timedelta, timezone

    from minzheng_contracts.resident_id import make_resident_id

    elder = make_resident_id("330727", date(1944, 5, 6), 27)
    township = DivisionCode("330727101")
    residence = DivisionCode("330727101201")
    allowance = "a1100000-0000-4000-8000-000000000001"
    residency = "r1100000-0000-4000-8000-000000000001"
    home = "inst-330727101-01"
    admitted = ResidentAdmittedData(
        residency_id=residency,
        institution_id=home,
        institution_kind="nursing_home",
        township=township,
        person=elder,
        is_tekun=True,
        care_level="partial",
        admitted_on=date(2026, 4, 10),
    )
    return [
        AllowanceStarted.new(
            data=AllowanceStartedData(
                allowance_id=allowance,
                person=elder,
                residence=residence,
                band="80-89",
                starts=Period(2024, 5),
                monthly_fen=10_000,
                standard_id="allowance.band.80:330727:2024-01-01",
            ),
            producer="eldercare",
            **common,
        ),
        AllowanceEnded.new(
            data=AllowanceEndedData(
                allowance_id=allowance,
                person=elder,
                residence=residence,
                reason="death",
                last_period=Period(2026, 11),
                died_on=date(2026, 11, 20),
            ),
            producer="eldercare",
            **common,
        ),
        ResidentAdmitted.new(data=admitted, producer="eldercare", **common),
        ResidentDischarged.new(
            data=ResidentDischargedData(
                **admitted.model_dump(exclude={"care_level", "admitted_on"}),
                destination="home",
                discharged_on=date(2026, 9, 1),
            ),
            producer="eldercare",
            **common,
        ),
        RectificationOverdue.new(
            data=RectificationOverdueData(
                order_id="order-0001",
                institution_id=home,
                township=township,
                deadline=date(2026, 5, 10),
                open_findings=2,
                overdue_at=datetime(2026, 5, 11, 0, 0, tzinfo=timezone(timedelta(hours=8))),
            ),
            producer="eldercare",
            **common,
        ),
    ]
