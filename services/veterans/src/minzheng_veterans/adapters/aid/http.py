"""Other aid (医疗及其他补助) over HTTP: one route per grant, each paid once per its business key
(409 ``already_paid``, nothing written), the list with filters and paging, and the totals."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.aid import grants as a
from ...application.aid import queries as q
from ...domain.aid import grants as g
from ..common import shown, strict

router = APIRouter(responses=refusals(401, 403, 422))
TAGS: list[str | Enum] = ["aid"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Stay = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2199, 12, 31))]
Payer = Annotated[Actor, permit("aid.pay")]
Reader = Annotated[Actor, permit("aid.read")]
PAYEE = {"resident_id": "330727195203040019", "residence": "330727101201", "paid_on": "2026-02-10"}


class Grant(BaseModel):
    resident_id: ResidentId
    residence: DivisionCode = Field(description="the payee's village or township")
    paid_on: Day


class OutpatientIn(Grant):
    model_config = strict(PAYEE)


class InpatientIn(Grant):
    model_config = strict({**PAYEE, "stay": "ZY2026-0012", "cost_fen": 860_000})
    stay: Stay = Field(description="the hospital stay (住院号): one subsidy per stay")
    cost_fen: int = Field(ge=1, le=100_000_000, description="the out-of-pocket cost (自付), fen")


class HolidayIn(Grant):
    model_config = strict({**PAYEE, "festival": "spring_festival"})
    festival: g.Festival


class HardshipIn(Grant):
    model_config = strict({**PAYEE, "amount_fen": 50_000, "reason": "房屋受灾"})
    amount_fen: int = Field(ge=1, le=10_000_000)
    reason: Text


class GrantOut(BaseModel):
    kind: str = Field(description="outpatient | inpatient | holiday_visit | hardship")
    payment_id: str
    resident_id: str
    residence: str
    reference: str = Field(description="the business key's part: the year, the stay, or festival-year")
    amount_fen: int
    standard_id: str
    paid_on: date


class GrantPage(BaseModel):
    total: int
    items: list[GrantOut]


class TotalsOut(BaseModel):
    by_kind: dict[str, dict[str, int]] = Field(description="per kind: count and total_fen")


def grant_out(actor: Actor, f: g.AidGrant) -> GrantOut:
    return GrantOut(
        kind=g.KIND_OF[f.event_type].value,
        payment_id=f.payment_id,
        resident_id=shown(actor, f.resident_id),
        residence=f.residence,
        reference=f.reference,
        amount_fen=f.amount_fen,
        standard_id=f.standard_id,
        paid_on=date.fromisoformat(f.paid_on),
    )


async def _grant(
    ctx: Ctx, actor: Actor, body: Grant, kind: g.Kind, reference: str, decide: a.Decide
) -> GrantOut:
    fact = await a.grant(
        ctx,
        actor,
        kind=kind,
        resident_id=body.resident_id,
        residence=str(body.residence),
        reference=reference,
        decide=decide,
    )
    return grant_out(actor, fact)


@router.post(
    "/aid/outpatient",
    status_code=201,
    tags=TAGS,
    summary="Pay the outpatient allowance (门诊补助)",
    response_model=GrantOut,
    responses=refusals(409),
)
async def outpatient(body: OutpatientIn, ctx: Ctx, actor: Payer) -> GrantOut:
    """`aid_outpatient_annual` in force on the day; once per person and year."""
    return await _grant(
        ctx,
        actor,
        body,
        g.Kind.OUTPATIENT,
        str(body.paid_on.year),
        lambda t, p, pid, today: g.outpatient(t, p, payment_id=pid, paid_on=body.paid_on, today=today),
    )


@router.post(
    "/aid/inpatient",
    status_code=201,
    tags=TAGS,
    summary="Pay an inpatient subsidy (住院补助)",
    response_model=GrantOut,
    responses=refusals(409),
)
async def inpatient(body: InpatientIn, ctx: Ctx, actor: Payer) -> GrantOut:
    """`aid_inpatient_rate_pct` of the cost, at most `aid_inpatient_cap`; once per stay."""
    return await _grant(
        ctx,
        actor,
        body,
        g.Kind.INPATIENT,
        body.stay,
        lambda t, p, pid, today: g.inpatient(
            t, p, payment_id=pid, stay=body.stay, cost_fen=body.cost_fen, paid_on=body.paid_on, today=today
        ),
    )


@router.post(
    "/aid/holiday-visits",
    status_code=201,
    tags=TAGS,
    summary="Pay a holiday visit (节日慰问)",
    response_model=GrantOut,
    responses=refusals(409),
)
async def holiday_visit(body: HolidayIn, ctx: Ctx, actor: Payer) -> GrantOut:
    """The festival's standard; once per person, festival and year."""
    return await _grant(
        ctx,
        actor,
        body,
        g.Kind.HOLIDAY_VISIT,
        g.holiday_reference(body.festival, body.paid_on.year),
        lambda t, p, pid, today: g.holiday_visit(
            t, p, payment_id=pid, festival=body.festival, paid_on=body.paid_on, today=today
        ),
    )


@router.post(
    "/aid/hardship",
    status_code=201,
    tags=TAGS,
    summary="Pay hardship relief (困难救助)",
    response_model=GrantOut,
    responses=refusals(409),
)
async def hardship(body: HardshipIn, ctx: Ctx, actor: Payer) -> GrantOut:
    """The amount assessed, at most `aid_hardship_max` (422 `over_hardship_cap`); once per person and year."""
    return await _grant(
        ctx,
        actor,
        body,
        g.Kind.HARDSHIP,
        str(body.paid_on.year),
        lambda t, p, pid, today: g.hardship(
            t,
            p,
            payment_id=pid,
            amount_fen=body.amount_fen,
            reason=body.reason,
            paid_on=body.paid_on,
            today=today,
        ),
    )


@router.get(
    "/aid/grants", tags=TAGS, summary="The aid grants paid, filtered and paged", response_model=GrantPage
)
async def list_grants(
    ctx: Ctx,
    actor: Reader,
    kind: g.Kind | None = None,
    residence: Annotated[DivisionCode | None, Query()] = None,
    year: Annotated[int | None, Query(ge=2000, le=2199)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> GrantPage:
    found = await q.grants(
        ctx.store, actor, kind=kind, residence=str(residence) if residence else None, year=year
    )
    return GrantPage(total=len(found), items=[grant_out(actor, f) for f in found[offset : offset + limit]])


@router.get("/aid/totals", tags=TAGS, summary="The aid paid, by kind", response_model=TotalsOut)
async def totals(
    ctx: Ctx, actor: Reader, year: Annotated[int | None, Query(ge=2000, le=2199)] = None
) -> TotalsOut:
    return TotalsOut(by_kind=q.totals(await q.grants(ctx.store, actor, year=year)))
