"""The archive's routes: an import of digitised rows (≤ 5,000 per request), its report of
rejected rows (IDs masked), and one record."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.archive import imports
from ...domain.archive.records import PROBLEM_TEXT, ArchiveRow, Problem
from ..common import shown, strict

router = APIRouter(tags=["archive"], responses=refusals(401, 403))
Importer = Annotated[Actor, permit("archive.import")]
ReportReader = Annotated[Actor, permit("archive.report.read")]
RecordReader = Annotated[Actor, permit("archive.record.read")]

"""Who sees a record's resident IDs in full; everyone else sees them masked."""

Text = Annotated[str, StringConstraints(max_length=64)]
Short = Annotated[str, StringConstraints(max_length=24)]

EXAMPLE_ROWS: list[JsonValue] = [
    {
        "certificate_number": "婚字第 0123 号",
        "party_a": "330727580402151",
        "party_b": "330727196109302267",
        "registered_on": "1982-10-01",
        "office": "330727101",
        "kind": "marriage",
    },
    {
        "certificate_number": "离字第 0007 号",
        "party_a": "330727580402151",
        "party_b": "330727196109302267",
        "registered_on": "19950315",
        "office": "330727",
        "kind": "离婚",
    },
]


class RowIn(BaseModel):
    """One row as the bureau digitised it: every field free text (a missing or malformed field
    rejects the row, in the report, not the request)."""

    model_config = ConfigDict(extra="forbid")
    certificate_number: Text | None = Field(None, description="As written in the register.")
    party_a: Short | None = Field(
        None, description="A party's resident ID: 18 characters, or an old 15-digit one."
    )
    party_b: Short | None = Field(None, description="The other party (either order: sex from the ID).")
    registered_on: Short | None = Field(None, description="YYYY-MM-DD or YYYYMMDD, 1950-05-01..2003-12-31.")
    office: Short | None = Field(None, description="The registering office's division code, in the county.")
    kind: Short | None = Field(None, description="marriage (结婚) or divorce (离婚).")


class ImportIn(BaseModel):
    model_config = strict({"rows": EXAMPLE_ROWS})
    rows: list[RowIn] = Field(min_length=1, max_length=imports.MAX_ROWS_PER_REQUEST)


class ImportOut(BaseModel):
    import_id: UUID
    rows: int
    imported: int
    already_present: int = Field(description="Records the archive held already: a re-import adds nothing.")
    rejected: int
    flagged: int = Field(description="Imported records that break a rule of their own time.")
    repeated: bool = Field(
        description="This very batch was imported before: its first report, nothing written."
    )
    report: str


class ProblemOut(BaseModel):
    code: str
    field: str
    message: str


class RejectedRowOut(BaseModel):
    line: int
    problems: list[ProblemOut]
    party_a: str = Field(description="Masked: 330727********123X, or no digit at all if unreadable.")
    party_b: str
    certificate_number: str
    registered_on: str


class ReportOut(BaseModel):
    import_id: UUID
    source: str
    imported_at: str
    rows: int
    imported: int
    already_present: int
    rejected: int
    flagged: int
    offset: int
    rejected_rows: list[RejectedRowOut]


class RecordOut(BaseModel):
    record_id: UUID
    kind: str
    certificate_number: str
    husband: str = Field(
        description="In full for the registrar, county approver and auditor; masked otherwise."
    )
    wife: str
    registered_on: date
    office: str
    flags: list[str]
    standard_ids: list[str]
    dissolves: UUID | None


def _summary(s: imports.ImportSummary) -> ImportOut:
    return ImportOut(
        import_id=s.import_id,
        rows=s.rows,
        imported=s.imported,
        already_present=s.already_present,
        rejected=s.rejected,
        flagged=s.flagged,
        repeated=s.repeated,
        report=f"/archive/imports/{s.import_id}/report",
    )


@router.post(
    "/archive/imports",
    status_code=201,
    summary="Import historical marriage records (历史婚姻档案补录)",
    responses=refusals(422),
)
async def import_records(body: ImportIn, ctx: Ctx, actor: Importer) -> ImportOut:
    """Import up to 5,000 digitised rows of the 1950–2003 registers (a body of at most 1 MiB;
    bigger files go through the bulk path). Old 15-digit IDs are upgraded to 18. A row that is no
    record (a missing field, an invalid ID, a date outside 1950-05-01..2003-12-31, one sex, an
    office outside the county) is rejected into the report with its IDs masked. A record that
    breaks the rules of its own time (under the legal age then in force, married twice without a
    dissolution, a divorce of no archived marriage) is imported with its flags. A divorce row
    dissolves the matching marriage. A re-import adds nothing."""
    actor.require_within(ctx.county, "rows")
    rows = [
        ArchiveRow(r.certificate_number, r.party_a, r.party_b, r.registered_on, r.office, r.kind)
        for r in body.rows
    ]
    return _summary(await imports.import_rows(ctx, actor, rows))


@router.get(
    "/archive/imports/{import_id}/report",
    summary="An import's report of rejected rows",
    responses=refusals(404),
)
async def import_report(
    import_id: UUID,
    ctx: Ctx,
    actor: ReportReader,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> ReportOut:
    """The import's counts and its rejected rows from `offset` (at most `limit`), each with its
    line, its problems (code, field, reason) and the parties' IDs masked (`330727********123X`;
    an unreadable ID shows no digit). 404 `no_such_import`."""
    actor.require_within(ctx.county, "import_id")
    report = await imports.read_report(ctx, import_id)
    s = report.summary
    return ReportOut(
        import_id=s.import_id,
        source=report.source,
        imported_at=report.imported_at,
        rows=s.rows,
        imported=s.imported,
        already_present=s.already_present,
        rejected=s.rejected,
        flagged=s.flagged,
        offset=offset,
        rejected_rows=[
            RejectedRowOut(
                line=r["line"],
                problems=[
                    ProblemOut(code=p["code"], field=p["field"], message=PROBLEM_TEXT[Problem(p["code"])])
                    for p in r["problems"]
                ],
                party_a=r["party_a"],
                party_b=r["party_b"],
                certificate_number=r["certificate_number"],
                registered_on=r["registered_on"],
            )
            for r in report.rejected[offset : offset + limit]
        ],
    )


@router.get("/archive/records/{record_id}", summary="One archive record", responses=refusals(404))
async def archive_record(record_id: UUID, ctx: Ctx, actor: RecordReader) -> RecordOut:
    """A record of the historical archive: kind, certificate number, both parties, date, office, the
    flags of its own time with the standards it was checked against, and the marriage a divorce
    dissolves. IDs in full for the registrar, the county approver and the auditor, masked for
    other roles. 404 `no_such_record`; 403 for a record of an office outside the caller's division."""
    record = await imports.read_record(ctx, record_id)
    actor.require_within(record["office"], "record_id")
    dissolves = record["dissolves"]
    return RecordOut(
        record_id=record_id,
        kind=record["kind"],
        certificate_number=record["certificate_number"],
        husband=shown(actor, record["husband"]),
        wife=shown(actor, record["wife"]),
        registered_on=date.fromisoformat(record["registered_on"]),
        office=record["office"],
        flags=record["flags"],
        standard_ids=record["standard_ids"],
        dissolves=None if dissolves is None else UUID(dissolves),
    )
