"""Contracts published by the registry service about its historical archive (历史婚姻档案).

Each record of the 1950–2003 archive, once validated and entered, is published for the national
marriage database: the record, both parties, its date and office, and the rules of its own time it
breaks (``flags``: imported for review, not dropped). An import publishes its records in messages
of up to ``MAX_RECORDS`` (a bulk import of 100,000 rows is 100 messages, not 100,000)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import ContractModel, EventData, IntegrationEvent
from minzheng_contracts.resident_id import ResidentId

__all__ = [
    "CONTRACTS",
    "MAX_RECORDS",
    "ArchiveRecord",
    "HistoricalMarriagesImported",
    "HistoricalMarriagesImportedData",
    "examples",
]

ArchiveFlag = Literal[
    "husband_under_age",
    "wife_under_age",
    "husband_already_married",
    "wife_already_married",
    "no_matching_marriage",
]


class ArchiveRecord(ContractModel):
    """One historical marriage or divorce record entered in the archive (历史婚姻档案补录)."""

    record_id: UUID
    kind: Literal["marriage", "divorce"]
    certificate_number: str = Field(
        min_length=1, max_length=64, description="As written in the paper register (free text)."
    )
    husband: ResidentId
    wife: ResidentId
    registered_on: date = Field(ge=date(1950, 5, 1), le=date(2003, 12, 31))
    office: DivisionCode = Field(description="The registering office's division code.")
    flags: list[ArchiveFlag] = Field(
        default_factory=list,
        max_length=5,
        description="Rules of the record's own time it breaks (under the legal age in force, "
        "married twice without a dissolution, a divorce of no marriage in the archive).",
    )
    dissolves: UUID | None = Field(
        default=None, description="For a divorce: the archive record of the marriage it dissolves."
    )

    @model_validator(mode="after")
    def _parties(self) -> Self:
        if self.husband.sex != "male" or self.wife.sex != "female":
            raise ValueError("husband must be a man and wife a woman by the resident ID (digit 17)")
        if self.kind == "marriage" and self.dissolves is not None:
            raise ValueError("only a divorce dissolves a marriage")
        return self


MAX_RECORDS = 1000
"""Records per message: 1,000 records of the longest certificate numbers stay under half of
NATS's 1 MiB message limit."""


class HistoricalMarriagesImportedData(EventData):
    """Records of one import entered in the archive, in the order entered (oldest first), for the
    national marriage database. A bulk import publishes its records in messages of at most
    ``MAX_RECORDS``: one message per record would cost the relay a publish and an ack each."""

    import_id: UUID
    chunk: int = Field(ge=0, description="The message's place in its import (0, 1, …).")
    records: list[ArchiveRecord] = Field(min_length=1, max_length=MAX_RECORDS)


class HistoricalMarriagesImported(IntegrationEvent[HistoricalMarriagesImportedData]):
    """Historical marriage records were imported (历史婚姻档案已补录)."""

    SUBJECT: ClassVar[str] = "registry.archive.imported"
    event_type: Literal["HistoricalMarriagesImported"] = "HistoricalMarriagesImported"
    schema_version: Literal[1] = 1


CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = (HistoricalMarriagesImported,)
"""The archive's contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    from minzheng_contracts.resident_id import make_resident_id

    return [
        HistoricalMarriagesImported.new(
            data=HistoricalMarriagesImportedData(
                import_id=UUID("0d3a0000-0000-4000-8000-0000000000c0"),
                chunk=0,
                records=[
                    ArchiveRecord(
                        record_id=UUID("0d3a0000-0000-4000-8000-0000000000c1"),
                        kind="marriage",
                        certificate_number="婚字第 0123 号",
                        husband=make_resident_id("330727", date(1958, 4, 2), 15),
                        wife=make_resident_id("330727", date(1961, 9, 30), 26),
                        registered_on=date(1982, 10, 1),
                        office=DivisionCode("330727101"),
                        flags=[],
                    )
                ],
            ),
            producer="registry",
            **common,
        )
    ]
