"""Contracts published by the disaster service (自然灾害救助, 灾情报送).

Cash relief paid by the disaster service uses :class:`~minzheng_contracts.assistance.PaymentIssued`
on ``disaster.payment.issued``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.money import Fen

__all__ = [
    "DisasterReported",
    "DisasterReportedData",
    "DisasterType",
    "ReliefDelivered",
    "ReliefDeliveredData",
    "ReliefSlaAtRisk",
    "ReliefSlaBreached",
    "ReliefSlaData",
]


class DisasterType(StrEnum):
    """Kind of disaster (灾种): flood 洪涝, earthquake 地震, hail_wind 风雹, fire 火灾, drought 干旱,
    landslide 滑坡/泥石流, snow_freeze 低温雨雪冰冻, other."""

    FLOOD = "flood"  # 洪涝
    EARTHQUAKE = "earthquake"  # 地震
    HAIL_WIND = "hail_wind"  # 风雹
    FIRE = "fire"  # 火灾
    DROUGHT = "drought"  # 干旱
    LANDSLIDE = "landslide"  # 山体滑坡/泥石流
    SNOW_FREEZE = "snow_freeze"  # 低温雨雪冰冻
    OTHER = "other"


class DisasterReportedData(EventData):
    """A disaster incident was reported (灾情报告)."""

    incident_id: UUID
    disaster_type: DisasterType
    area: list[DivisionCode] = Field(min_length=1, description="Affected divisions (受灾区域).")
    happened_at: AwareDatetime
    reported_at: AwareDatetime
    reporter: str = Field(
        min_length=1, max_length=200, description="Id of the reporting official (灾害信息员)."
    )
    summary: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _reported_after_it_happened(self) -> Self:
        if self.reported_at < self.happened_at:
            raise ValueError("reported_at must not be earlier than happened_at")
        if len(set(self.area)) != len(self.area):
            raise ValueError("area must not list a division twice")
        return self


class DisasterReported(IntegrationEvent[DisasterReportedData]):
    """A disaster incident was reported (灾情已报告)."""

    SUBJECT: ClassVar[str] = "disaster.incident.reported"
    event_type: Literal["DisasterReported"] = "DisasterReported"
    schema_version: Literal[1] = 1


class ReliefDeliveredData(EventData):
    """Relief handed to one affected household (救灾物资/资金发放到户)."""

    incident_id: UUID
    household: str = Field(
        min_length=1, max_length=200, description="The household's record id in the incident."
    )
    cash_fen: Fen
    items: dict[str, Annotated[int, Field(strict=True, ge=0)]] = Field(
        description="Item → quantity (integer units)."
    )
    delivered_by: str = Field(min_length=1, max_length=200)
    delivered_at: AwareDatetime


class ReliefDelivered(IntegrationEvent[ReliefDeliveredData]):
    """Relief was delivered to an affected household."""

    SUBJECT: ClassVar[str] = "disaster.relief.delivered"
    event_type: Literal["ReliefDelivered"] = "ReliefDelivered"
    schema_version: Literal[1] = 1


class ReliefSlaData(EventData):
    """The 24-hour relief clock of one household (灾后24小时救助到位)."""

    incident_id: UUID
    household: str = Field(min_length=1, max_length=200)
    deadline: AwareDatetime
    escalated_to: DivisionCode = Field(description="The level the alert goes to (the county).")


class ReliefSlaAtRisk(IntegrationEvent[ReliefSlaData]):
    """The warning point passed and the household has had no relief yet."""

    SUBJECT: ClassVar[str] = "disaster.sla.at_risk"
    event_type: Literal["ReliefSlaAtRisk"] = "ReliefSlaAtRisk"
    schema_version: Literal[1] = 1


class ReliefSlaBreached(IntegrationEvent[ReliefSlaData]):
    """The deadline passed and the household had no relief by then."""

    SUBJECT: ClassVar[str] = "disaster.sla.breached"
    event_type: Literal["ReliefSlaBreached"] = "ReliefSlaBreached"
    schema_version: Literal[1] = 1
