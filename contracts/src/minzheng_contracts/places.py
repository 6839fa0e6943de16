"""Contracts published by the registry service about places (区划 · 地名 · 门牌).

The registry is the county's source of divisions (townships and villages, GB/T 2260 codes) and
place names; the other services learn the divisions from :class:`DivisionRecorded` instead of
keeping their own tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal, Self

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode, DivisionLevel
from minzheng_contracts.envelope import EventData, IntegrationEvent

__all__ = ["CONTRACTS", "DivisionRecorded", "DivisionRecordedData", "examples"]


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


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (DivisionRecorded,)
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
        )
    ]
