"""Private institutions' operating subsidies (民办养老机构运营补贴) over HTTP, and every subsidy
paid (centres' and private institutions'), filtered and paged, with the totals by type."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.subsidies import payments as pay
from ...application.subsidies import reads as q
from ...domain.subsidies import private as p
from ..common import strict

router = APIRouter(responses=refusals(401, 403, 422))
TAGS: list[str | Enum] = ["subsidies"]

InstitutionId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_-]{1,64}$")]
Month = Annotated[str, StringConstraints(pattern=r"^(20[0-9]{2}|21[0-9]{2})-(0[1-9]|1[0-2])$")]
Count = Annotated[int, Field(ge=0, le=100_000)]

Payer = Annotated[Actor, permit("subsidies.pay")]
Reader = Annotated[Actor, permit("subsidies.read")]


class ResidentMonths(BaseModel):
    model_config = strict({"self_care": 20, "partial": 12, "full": 6})
    self_care: Count = Field(default=0, description="自理")
    partial: Count = Field(default=0, description="半失能")
    full: Count = Field(default=0, description="失能")
    special: Count = Field(default=0, description="特护")


class PrivateSubsidyIn(BaseModel):
    model_config = strict(
        {
            "month": "2026-02",
            "resident_months": {"self_care": 20, "partial": 12, "full": 6},
            "total_fen": 620_000,
        },
        {"month": "2026-02", "resident_months": {"partial": 30}},
    )
    month: Month = Field(description="YYYY-MM: one subsidy per institution and month")
    resident_months: ResidentMonths = Field(description="resident-months per care level in the month")
    total_fen: int | None = Field(
        default=None,
        ge=0,
        le=10_000_000_000,
        description="the stated total: refused unless the levels add up to it",
    )


class LevelOut(BaseModel):
    care_level: str
    resident_months: int
    rate_fen: int
    amount_fen: int
    standard_id: str


class PrivateSubsidyOut(BaseModel):
    payment_id: str
    institution_id: str
    township: str
    month: str
    lines: list[LevelOut]
    total_fen: int
    paid_on: date


class SubsidyOut(BaseModel):
    kind: str = Field(description="construction | operating | meals | private_institution")
    payment_id: str
    beneficiary: str = Field(description="the centre's or the institution's id")
    division: str
    reference: str = Field(description="the centre subsidy's reference or the institution's month")
    amount_fen: int
    paid_on: date
    round_id: str | None
    standard_ids: list[str]


class SubsidyPage(BaseModel):
    total: int
    items: list[SubsidyOut]


class TotalsOut(BaseModel):
    by_kind: dict[str, dict[str, int]] = Field(description="per type: count and total_fen")
    total_fen: int


def private_out(f: p.PrivateInstitutionSubsidyPaid) -> PrivateSubsidyOut:
    return PrivateSubsidyOut(
        payment_id=f.payment_id,
        institution_id=f.institution_id,
        township=f.township,
        month=f.month,
        lines=[LevelOut(**line) for line in f.lines],
        total_fen=f.total_fen,
        paid_on=date.fromisoformat(f.paid_on),
    )


@router.post(
    "/institutions/{institution_id}/operating-subsidies",
    status_code=201,
    tags=TAGS,
    summary="Pay a private institution's operating subsidy for a month (民办养老机构运营补贴)",
    response_model=PrivateSubsidyOut,
    responses=refusals(404, 409),
)
async def pay_private(
    institution_id: Annotated[InstitutionId, Path()],
    body: PrivateSubsidyIn,
    ctx: Ctx,
    actor: Payer,
    response: Response,
) -> PrivateSubsidyOut:
    """Resident-months per care level × `subsidy.private.<level>` in force in the month. Only a
    private institution (422 `not_private_institution`; 404 `institution_not_found`); a stated
    total that disagrees 422 `total_does_not_add_up`. Once per institution and month: a repeat is
    200 with the first payment, other resident-months 409 `already_paid_differently`."""
    fact, created = await pay.pay(
        ctx,
        actor,
        institution_id=institution_id,
        month=body.month,
        resident_months=body.resident_months.model_dump(),
        stated_total_fen=body.total_fen,
    )
    if not created:
        response.status_code = 200
    return private_out(fact)


@router.get(
    "/subsidies", tags=TAGS, summary="The subsidies paid, filtered and paged", response_model=SubsidyPage
)
async def list_subsidies(
    ctx: Ctx,
    actor: Reader,
    kind: q.Kind | None = None,
    township: Annotated[DivisionCode | None, Query(description="a township or village code")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2199)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SubsidyPage:
    total, rows = await q.subsidies(
        ctx,
        actor,
        kind=kind.value if kind else None,
        township=str(township) if township else None,
        year=year,
        offset=offset,
        limit=limit,
    )
    return SubsidyPage(total=total, items=[SubsidyOut(**asdict(row)) for row in rows])


@router.get("/subsidies/totals", tags=TAGS, summary="The subsidies paid, by type", response_model=TotalsOut)
async def totals(
    ctx: Ctx,
    actor: Reader,
    township: Annotated[DivisionCode | None, Query(description="a township or village code")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2199)] = None,
) -> TotalsOut:
    by_kind = await q.totals(ctx, actor, township=str(township) if township else None, year=year)
    return TotalsOut(by_kind=by_kind, total_fen=sum(v["total_fen"] for v in by_kind.values()))
