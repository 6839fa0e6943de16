"""Contracts published by the registry service about places (区划 · 地名 · 门牌).

The registry is the county's source of divisions (townships and villages, GB/T 2260 codes) and
place names; the other services learn the divisions from :class:`DivisionRecorded` instead of
keeping their own tables.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode, DivisionLevel
from minzheng_contracts.envelope import EventData, IntegrationEvent

__all__ = [
    "CONTRACTS",
    "DivisionRecorded",
    "DivisionRecordedData",
    "HouseNumberIssued",
    "HouseNumberIssuedData",
    "PlaceKind",
    "PlaceNamed",
    "PlaceNamedData",
    "PlaceRenamed",
    "PlaceRenamedData",
    "examples",
]

PlaceKind = Literal["road", "lane", "residential_area", "bridge"]
"""道路, 街巷, 居民区, 桥梁."""

PlaceNameText = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f\x7f]+$")]


class DivisionRecordedData(EventData):
    """A division of the county as the registry records it (行政区划): established, renamed or
    abolished. The message carries the division's whole state: the latest one per ``code`` is
    what holds (a consumer upserts by code)."""

    code: DivisionCode
    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
    level: DivisionLevel
    parent: DivisionCode | None = Field(
        default=None, description="The division it lies in (None for the county itself)."
    )
    valid_from: date
    valid_to: date | None = Field(default=None, description="Abolished from this day (撤销), if it is.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.parent is not None and (self.parent == self.code or not self.code.is_within(self.parent)):
            raise ValueError("parent must contain code")
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class DivisionRecorded(IntegrationEvent[DivisionRecordedData]):
    """A township or village of the county recorded, renamed or abolished (区划变更)."""

    SUBJECT: ClassVar[str] = "registry.division.recorded"
    event_type: Literal["DivisionRecorded"] = "DivisionRecorded"
    schema_version: Literal[1] = 1


class PlaceNamedData(EventData):
    """A place name approved (地名批准), for the national place-name database: in force from
    ``effective_from`` in ``division``."""

    place_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9a-f-]+$")
    kind: PlaceKind
    name: PlaceNameText
    effective_from: date
    approved_on: date
    division: DivisionCode


class PlaceNamed(IntegrationEvent[PlaceNamedData]):
    """A road, lane, residential area or bridge named (命名)."""

    SUBJECT: ClassVar[str] = "registry.place.named"
    event_type: Literal["PlaceNamed"] = "PlaceNamed"
    schema_version: Literal[1] = 1


class PlaceRenamedData(EventData):
    """A place renamed (更名): ``former_name`` is in force until the day before ``effective_from``
    (which may lie in the future), ``name`` from it."""

    place_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9a-f-]+$")
    kind: PlaceKind
    former_name: PlaceNameText
    name: PlaceNameText
    effective_from: date
    division: DivisionCode

    @model_validator(mode="after")
    def _renamed(self) -> Self:
        if self.former_name == self.name:
            raise ValueError("name must differ from former_name")
        return self


class PlaceRenamed(IntegrationEvent[PlaceRenamedData]):
    """A place's name changed from a date (地名更名)."""

    SUBJECT: ClassVar[str] = "registry.place.renamed"
    event_type: Literal["PlaceRenamed"] = "PlaceRenamed"
    schema_version: Literal[1] = 1


class HouseNumberIssuedData(EventData):
    """A house number issued (门牌编号), for the address database. Odd numbers on the left side,
    even on the right (左单右双, facing the direction the numbers rise); ``sub_number`` for an
    infill (5-1). ``address`` is the road's name on ``issued_on`` plus the number."""

    road_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9a-f-]+$")
    road_name: PlaceNameText
    number: int = Field(ge=1, le=9999)
    sub_number: int | None = Field(default=None, ge=1, le=99)
    side: Literal["left", "right"]
    division: DivisionCode
    address: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    issued_on: date

    @model_validator(mode="after")
    def _side(self) -> Self:
        if (self.number % 2 == 1) != (self.side == "left"):
            raise ValueError("odd numbers are on the left side, even on the right (左单右双)")
        return self


class HouseNumberIssued(IntegrationEvent[HouseNumberIssuedData]):
    """A house number issued on a road (门牌)."""

    SUBJECT: ClassVar[str] = "registry.house_number.issued"
    event_type: Literal["HouseNumberIssued"] = "HouseNumberIssued"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (
    DivisionRecorded,
    PlaceNamed,
    PlaceRenamed,
    HouseNumberIssued,
)
"""The registry's place contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    return [
        DivisionRecorded.new(
            data=DivisionRecordedData(
                code=DivisionCode("330727101201"),
                name="上溪村",
                level="village",
                parent=DivisionCode("330727101"),
                valid_from=date(2001, 1, 1),
            ),
            producer="registry",
            **common,
        ),
        PlaceNamed.new(
            data=PlaceNamedData(
                place_id="5f0c1a9e-0000-4000-8000-000000000001",
                kind="road",
                name="文溪路",
                effective_from=date(2026, 4, 1),
                approved_on=date(2026, 3, 20),
                division=DivisionCode("330727101"),
            ),
            producer="registry",
            **common,
        ),
        PlaceRenamed.new(
            data=PlaceRenamedData(
                place_id="5f0c1a9e-0000-4000-8000-000000000001",
                kind="road",
                former_name="文溪路",
                name="文溪大道",
                effective_from=date(2027, 1, 1),
                division=DivisionCode("330727101"),
            ),
            producer="registry",
            **common,
        ),
        HouseNumberIssued.new(
            data=HouseNumberIssuedData(
                road_id="5f0c1a9e-0000-4000-8000-000000000001",
                road_name="文溪路",
                number=5,
                sub_number=1,
                side="left",
                division=DivisionCode("330727101201"),
                address="安文镇文溪路5-1号",
                issued_on=date(2026, 4, 2),
            ),
            producer="registry",
            **common,
        ),
    ]
