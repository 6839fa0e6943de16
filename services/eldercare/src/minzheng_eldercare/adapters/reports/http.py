"""The county reports over HTTP (统计报表, officials): the allowance roll and money by band, beds
and occupancy, hazards and rectification, centres and subsidies, each by township (a division
prefix) and as of a day (default: today by the service's clock); statistical returns imported,
each total checked against its breakdown (a mismatch flagged, not refused); the elderly
population posted per township. Every input bounded and strict; bad input is a 422 naming the
field, with nothing written."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import NotFound

from ...application.reports import handlers as h
from ...application.reports import reads
from ...domain.reports import returns as r
from ..common import strict

router = APIRouter(responses=refusals(401, 403, 422))
TAGS: list[str | Enum] = ["reports"]

Reader = Annotated[Actor, permit("reports.read")]
Importer = Annotated[Actor, permit("reports.import")]

Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2199, 12, 31))]
ReturnId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")]
Source = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Count = Annotated[int, Field(ge=0, le=100_000_000, strict=True)]
Fen = Annotated[int, Field(ge=0, le=1_000_000_000_000, strict=True)]
PaidKey = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")

TownshipQ = Annotated[DivisionCode | None, Query(description="a township (or any division) code: a prefix")]
AsOfQ = Annotated[
    date | None,
    Query(ge=date(2000, 1, 1), le=date(2199, 12, 31), description="the day (default today)"),
]


def _as_of(ctx: Any, as_of: date | None) -> date:
    return as_of or local_date(ctx.clock.now())


class BandOut(BaseModel):
    active: int = Field(description="elders paid in the band for as_of's month")
    monthly_fen: int = Field(description="what they are owed a month at the standard then")
    paid_fen: int = Field(description="paid in the band under paid_key")
    paid_count: int


class AllowanceOut(BaseModel):
    as_of: date
    period: str
    paid_key: str
    bands: dict[str, BandOut]
    suspended: int
    by_township: dict[str, int] = Field(description="active elders per township")


class BedsOut(BaseModel):
    institutions: int
    beds: int
    occupied: int
    elderly: int | None = Field(description="the elderly population posted in force then")
    occupancy_percent: str | None
    beds_per_thousand: str | None


class BedsReportOut(BaseModel):
    as_of: date
    total: BedsOut
    by_township: dict[str, BedsOut]
    by_kind: dict[str, BedsOut]


class HazardsOut(BaseModel):
    found: int
    open: int
    fixed: int
    open_by_sector: dict[str, int]
    orders: dict[str, int] = Field(description="rectification orders: open | at_risk | overdue | completed")


class HazardsReportOut(BaseModel):
    as_of: date
    total: HazardsOut
    by_township: dict[str, HazardsOut]


class CentresReportOut(BaseModel):
    as_of: date
    centres: int
    by_status: dict[str, int]
    by_township: dict[str, int]
    subsidies_to_date: dict[str, int] = Field(description="fen paid by as_of, by type")
    subsidies_in_year: dict[str, int] = Field(description="fen paid in as_of's year up to it, by type")


class Figures(BaseModel):
    model_config = strict(
        {
            "institutions": 13,
            "rectified": 7,
            "closed": 1,
            "in_progress": 5,
            "hazards": 81,
            "hazards_public": 51,
            "hazards_private": 30,
            "hazards_fixed": 53,
            "hazards_in_progress": 28,
        }
    )
    institutions: Count | None = None
    rectified: Count | None = None
    closed: Count | None = None
    in_progress: Count | None = None
    hazards: Count | None = None
    hazards_public: Count | None = None
    hazards_private: Count | None = None
    hazards_fixed: Count | None = None
    hazards_in_progress: Count | None = None
    subsidies_fen: Fen | None = None
    construction_fen: Fen | None = None
    operating_fen: Fen | None = None
    meals_fen: Fen | None = None
    centres: Count | None = None
    centres_new: Count | None = None
    centres_earlier: Count | None = None


class ReturnIn(BaseModel):
    model_config = strict(
        {
            "return_id": "330727-2023-annual",
            "as_of": "2023-12-31",
            "source": "年度报表",
            "figures": {"hazards": 81},
        }
    )
    return_id: ReturnId
    as_of: Day
    source: Source
    jurisdiction: DivisionCode | None = Field(default=None, description="the county (default) or a township")
    figures: Figures


class MismatchOut(BaseModel):
    check: str
    total: str
    stated: int
    parts_sum: int


class ReturnOut(BaseModel):
    return_id: str
    jurisdiction: str
    as_of: date
    source: str
    figures: dict[str, int]
    flags: list[str] = Field(description="the checks whose total does not match its breakdown")
    mismatches: list[MismatchOut]


class ReturnPage(BaseModel):
    total: int
    items: list[ReturnOut]


class PopulationIn(BaseModel):
    model_config = strict(
        {"township": "330727101", "effective_from": "2023-01-01", "population": 8000, "source": "统计局"}
    )
    township: DivisionCode
    effective_from: Day
    population: int = Field(ge=1, le=10_000_000)
    source: Source


class PopulationOut(BaseModel):
    township: str
    effective_from: date
    population: int
    source: str


def _return_out(row: reads.ReturnRow) -> ReturnOut:
    return ReturnOut(
        return_id=row.return_id,
        jurisdiction=row.jurisdiction,
        as_of=row.as_of,
        source=row.source,
        figures=row.figures,
        flags=row.flags,
        mismatches=[MismatchOut(**asdict(m)) for m in r.mismatches(row.figures)],
    )


@router.get(
    "/reports/allowance",
    tags=TAGS,
    summary="The allowance roll and money by band",
    response_model=AllowanceOut,
)
async def allowance_report(
    ctx: Ctx,
    actor: Reader,
    township: TownshipQ = None,
    as_of: AsOfQ = None,
    paid_key: Annotated[
        str | None, Query(pattern=PaidKey.pattern, description="YYYY-MM (or YYYY for the annual mode)")
    ] = None,
) -> AllowanceOut:
    rep = await reads.allowance(
        ctx, actor, township=str(township) if township else None, as_of=_as_of(ctx, as_of), paid_key=paid_key
    )
    return AllowanceOut(**asdict(rep))


@router.get(
    "/reports/beds",
    tags=TAGS,
    summary="Beds, occupancy, beds per 1,000 elderly",
    response_model=BedsReportOut,
)
async def beds_report(
    ctx: Ctx, actor: Reader, township: TownshipQ = None, as_of: AsOfQ = None
) -> BedsReportOut:
    rep = await reads.beds(ctx, actor, township=str(township) if township else None, as_of=_as_of(ctx, as_of))
    return BedsReportOut(**asdict(rep))


@router.get(
    "/reports/hazards",
    tags=TAGS,
    summary="Open hazards and rectification status",
    response_model=HazardsReportOut,
)
async def hazards_report(
    ctx: Ctx, actor: Reader, township: TownshipQ = None, as_of: AsOfQ = None
) -> HazardsReportOut:
    rep = await reads.hazards(
        ctx, actor, township=str(township) if township else None, as_of=_as_of(ctx, as_of)
    )
    return HazardsReportOut(**asdict(rep))


@router.get(
    "/reports/centres",
    tags=TAGS,
    summary="Home-care centres by status, subsidies by type",
    response_model=CentresReportOut,
)
async def centres_report(
    ctx: Ctx, actor: Reader, township: TownshipQ = None, as_of: AsOfQ = None
) -> CentresReportOut:
    rep = await reads.centres(
        ctx, actor, township=str(township) if township else None, as_of=_as_of(ctx, as_of)
    )
    return CentresReportOut(**asdict(rep))


@router.post(
    "/reports/returns",
    status_code=201,
    tags=TAGS,
    summary="Import a statistical return (报表导入): totals checked against their breakdowns",
    response_model=ReturnOut,
    responses=refusals(409),
)
async def import_return(body: ReturnIn, ctx: Ctx, actor: Importer, response: Response) -> ReturnOut:
    """Stored with each total checked against its breakdown; a mismatch is flagged (`flags`),
    not refused. The same return again is 200; other figures under its id 409 `return_exists`."""
    fact, created = await h.import_return(
        ctx,
        actor,
        return_id=body.return_id,
        jurisdiction=str(body.jurisdiction or ctx.county),
        as_of=body.as_of,
        source=body.source,
        figures=body.figures.model_dump(exclude_none=True),
    )
    if not created:
        response.status_code = 200
    row = reads.ReturnRow(
        fact.return_id,
        fact.jurisdiction,
        date.fromisoformat(fact.as_of),
        fact.source,
        fact.figures,
        fact.flags,
    )
    return _return_out(row)


@router.get("/reports/returns", tags=TAGS, summary="The returns imported", response_model=ReturnPage)
async def list_returns(
    ctx: Ctx,
    actor: Reader,
    flagged: bool | None = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ReturnPage:
    total, rows = await reads.returns(ctx, actor, flagged=flagged, offset=offset, limit=limit)
    return ReturnPage(total=total, items=[_return_out(row) for row in rows])


@router.get(
    "/reports/returns/{return_id}",
    tags=TAGS,
    summary="One return",
    response_model=ReturnOut,
    responses=refusals(404),
)
async def get_return(return_id: Annotated[ReturnId, Path()], ctx: Ctx, actor: Reader) -> ReturnOut:
    row = await reads.return_of(ctx, actor, return_id)
    if row is None:
        raise NotFound("return_not_found", "no such return", field="return_id")
    return _return_out(row)


@router.post(
    "/reports/population",
    status_code=201,
    tags=TAGS,
    summary="Post a township's elderly population (老年人口) from a day",
    response_model=PopulationOut,
    responses=refusals(409),
)
async def post_population(body: PopulationIn, ctx: Ctx, actor: Importer, response: Response) -> PopulationOut:
    """In force from `effective_from` until the next posting; the same again is 200, another
    figure from the same day 409 `population_posted`."""
    fact, created = await h.post_population(
        ctx,
        actor,
        township=str(body.township),
        effective_from=body.effective_from,
        population=body.population,
        source=body.source,
    )
    if not created:
        response.status_code = 200
    return PopulationOut(
        township=fact.township,
        effective_from=date.fromisoformat(fact.effective_from),
        population=fact.population,
        source=fact.source,
    )
