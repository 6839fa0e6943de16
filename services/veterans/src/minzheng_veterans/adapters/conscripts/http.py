"""The conscript family allowance (义务兵家庭优待金) over HTTP: enlistment, merits (their supplement
paid at once), the end of service, the allowance run of a period, the list with filters and
paging, one conscript with its payments. Bounded inputs; refusals 4xx with nothing written."""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode, Period, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.conscripts import handlers as h
from ...application.conscripts import queries as q
from ...domain.conscripts import conscript as c
from ..common import shown, strict

router = APIRouter(responses=refusals(401, 403, 422))

EXAMPLE_CONSCRIPT = "c0c50000-0000-4000-8000-000000000001"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2199, 12, 31))]
ConscriptPath = Annotated[uuid.UUID, Path(description="the conscript's id", examples=[EXAMPLE_CONSCRIPT])]
TAGS: list[str | Enum] = ["conscripts"]

Filer = Annotated[Actor, permit("conscripts.file")]
Payer = Annotated[Actor, permit("conscripts.pay")]
Reader = Annotated[Actor, permit("conscripts.read")]


class EnlistmentIn(BaseModel):
    model_config = strict(
        {
            "conscript_id": EXAMPLE_CONSCRIPT,
            "resident_id": "330727200603010018",
            "county": "330727101201",
            "enlisted_on": "2025-09-10",
        }
    )
    conscript_id: uuid.UUID | None = None
    resident_id: ResidentId
    county: DivisionCode = Field(description="the division of enlistment (入伍地): its county pays")
    enlisted_on: Day


class MeritIn(BaseModel):
    model_config = strict(
        {"merit": "third_class", "awarded_on": "2026-03-01", "document": "某部嘉奖令〔2026〕3号"}
    )
    merit: c.Merit = Field(
        description="first_class 一等功 | honour_title 荣誉称号 | second_class 二等功 | third_class 三等功"
    )
    awarded_on: Day
    document: Text


class EndIn(BaseModel):
    model_config = strict({"reason": "promoted_nco", "ended_on": "2026-09-01"})
    reason: c.EndReason
    ended_on: Day


class RunIn(BaseModel):
    model_config = strict({"period": "2026-09"})
    period: Period


class AllowanceOut(BaseModel):
    payment_id: str
    service_year: int
    period: str
    kind: str = Field(description="base | merit_supplement")
    amount_fen: int
    standard_id: str
    merit: str | None


class ConscriptOut(BaseModel):
    conscript_id: str
    resident_id: str
    county: str
    enlisted_on: date | None
    status: str = Field(description="serving | promoted_nco | promoted_officer | discharged")
    pay_periods: list[str] = Field(description="the month each service year's allowance is paid in")
    merits: list[str]
    ended_on: date | None
    overpaid_years: list[int] = Field(description="years paid that a backdated end falls before (to recover)")
    allowances: list[AllowanceOut] | None = Field(default=None, description="in the single read only")


class ConscriptPage(BaseModel):
    total: int
    items: list[ConscriptOut]


class MeritOut(BaseModel):
    conscript: ConscriptOut
    supplement: AllowanceOut | None = Field(
        description="the supplement paid now, if the merit raises the year"
    )


class RunOut(BaseModel):
    run_id: str
    period: str
    considered: int
    paid: int
    already_paid: int
    total_fen: int
    skipped: dict[str, int]


def allowance_out(p: c.ConscriptAllowancePaid) -> AllowanceOut:
    return AllowanceOut(
        payment_id=p.payment_id,
        service_year=p.service_year,
        period=p.period,
        kind=p.kind,
        amount_fen=p.amount_fen,
        standard_id=p.standard_id,
        merit=p.merit,
    )


def conscript_out(
    actor: Actor, s: c.Conscript, paid: list[c.ConscriptAllowancePaid] | None = None
) -> ConscriptOut:
    return ConscriptOut(
        conscript_id=s.conscript_id or "",
        resident_id=shown(actor, s.resident_id),
        county=s.county,
        enlisted_on=s.enlisted_on,
        status=s.status,
        pay_periods=list(s.pay_periods),
        merits=[m.merit.value for m in s.merits],
        ended_on=s.ended_on,
        overpaid_years=list(s.overpaid_years),
        allowances=None if paid is None else [allowance_out(p) for p in paid],
    )


@router.post(
    "/conscripts",
    status_code=201,
    tags=TAGS,
    summary="Record an enlistment (义务兵入伍)",
    response_model=ConscriptOut,
    responses=refusals(409),
)
async def enlist(body: EnlistmentIn, ctx: Ctx, actor: Filer) -> ConscriptOut:
    """The service years and each year's pay period are fixed now from the standards in force
    (`conscript_service_years`, `conscript_allowance_pay_month`); 409 `already_enlisted`."""
    state = await h.enlist(
        ctx,
        actor,
        conscript_id=str(body.conscript_id or uuid.uuid4()),
        resident_id=body.resident_id,
        county=str(body.county),
        enlisted_on=body.enlisted_on,
    )
    return conscript_out(actor, state)


@router.post(
    "/conscripts/{conscript_id}/merits",
    status_code=201,
    tags=TAGS,
    summary="Record a merit (立功受奖): its supplement is paid",
    response_model=MeritOut,
    responses=refusals(404, 409),
)
async def merit(conscript_id: ConscriptPath, body: MeritIn, ctx: Ctx, actor: Filer) -> MeritOut:
    """Raises the allowance of the service year it was awarded in by the merit's percentage; a
    higher merit later in that year pays the difference."""
    state, paid = await h.record_merit(
        ctx, actor, str(conscript_id), merit=body.merit, awarded_on=body.awarded_on, document=body.document
    )
    return MeritOut(conscript=conscript_out(actor, state), supplement=allowance_out(paid) if paid else None)


@router.post(
    "/conscripts/{conscript_id}/end",
    status_code=201,
    tags=TAGS,
    summary="End the conscript service (选改军士, 提干, 退役)",
    response_model=ConscriptOut,
    responses=refusals(404, 409),
)
async def end(conscript_id: ConscriptPath, body: EndIn, ctx: Ctx, actor: Filer) -> ConscriptOut:
    """The allowance stops for every service year not begun by the end."""
    state = await h.end_service(ctx, actor, str(conscript_id), reason=body.reason, ended_on=body.ended_on)
    return conscript_out(actor, state)


@router.post(
    "/conscript-allowance-runs",
    status_code=201,
    tags=TAGS,
    summary="Pay the allowances of a period (优待金发放)",
    response_model=RunOut,
)
async def run(body: RunIn, ctx: Ctx, actor: Payer) -> RunOut:
    """Every service year whose pay period it is, once (a repeated or concurrent run pays nobody
    twice); 422 `period_in_future` for a month not begun."""
    r = await h.run_allowances(ctx, actor, body.period)
    return RunOut(
        run_id=r.run_id,
        period=r.period,
        considered=r.considered,
        paid=r.paid,
        already_paid=r.already_paid,
        total_fen=r.total_fen,
        skipped=r.skipped,
    )


@router.get(
    "/conscripts", tags=TAGS, summary="The conscripts, filtered and paged", response_model=ConscriptPage
)
async def list_conscripts(
    ctx: Ctx,
    actor: Reader,
    county: Annotated[DivisionCode | None, Query(description="the division of enlistment")] = None,
    status: Annotated[str | None, Query(pattern=r"^[a-z_]{1,20}$")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ConscriptPage:
    found = await q.conscripts(ctx.store, actor, county=str(county) if county else None, status=status)
    return ConscriptPage(
        total=len(found), items=[conscript_out(actor, s) for s in found[offset : offset + limit]]
    )


@router.get(
    "/conscripts/{conscript_id}",
    tags=TAGS,
    summary="One conscript, with the allowances paid",
    response_model=ConscriptOut,
    responses=refusals(404),
)
async def get_conscript(conscript_id: ConscriptPath, ctx: Ctx, actor: Reader) -> ConscriptOut:
    state = await q.conscript(ctx.store, actor, str(conscript_id))
    return conscript_out(actor, state, await q.allowances(ctx.store, str(conscript_id)))
