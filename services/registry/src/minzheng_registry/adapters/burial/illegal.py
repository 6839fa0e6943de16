"""Illegal burial cases (违规乱埋乱葬) over HTTP: open, order rectification, resolve, the lists."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from minzheng_contracts import DivisionCode
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.burial import illegal as ill
from ...application.burial import queries as q
from ...domain.burial import illegal as i
from ..common import strict
from .common import (
    EXAMPLE_CASE,
    CaseOpener,
    CaseOrderer,
    CasePath,
    CaseReader,
    CaseResolver,
    Day,
    LongText,
    Text,
    day,
)

router = APIRouter(responses=refusals(401, 403, 422))


class CaseIn(BaseModel):
    model_config = strict(
        {
            "case_id": EXAMPLE_CASE,
            "village": "330727101201",
            "location": "后山林地, 距公路 200 米",
            "description": "新建坟墓一座, 未入公墓",
            "found_on": "2026-03-01",
        }
    )
    case_id: uuid.UUID | None = None
    village: DivisionCode = Field(description="the 12-digit village where it was found")
    location: Text
    description: LongText
    found_on: Day


class OrderIn(BaseModel):
    model_config = strict({"document": "尖山镇责令整改通知书 2026-03"})
    document: Text = Field(description="the rectification order (责令整改通知书)")


class ResolutionIn(BaseModel):
    model_config = strict({"outcome": "rectified", "note": "已迁入公益性公墓"})
    outcome: i.Outcome = Field(description="rectified 整改完成 | penalised 依法处罚")
    note: LongText


class CaseOut(BaseModel):
    case_id: str
    village: str
    location: str
    description: str
    found_on: date
    state: Literal["opened", "ordered", "overdue", "rectified", "penalised"]
    ordered_on: date | None
    deadline: date | None = Field(description="the last day to rectify (moved past non-working days)")
    resolved_on: date | None


def case_out(s: i.IllegalBurialCase) -> CaseOut:
    return CaseOut(
        case_id=s.case_id or "",
        village=s.village,
        location=s.location,
        description=s.description,
        found_on=date.fromisoformat(s.found_on),
        state=s.state,
        ordered_on=day(s.ordered_on),
        deadline=day(s.deadline),
        resolved_on=day(s.resolved_on),
    )


@router.post(
    "/illegal-burials",
    status_code=201,
    tags=["illegal burials"],
    summary="Open an illegal burial case (违规乱埋乱葬)",
    response_model=CaseOut,
    responses=refusals(409),
)
async def open_case(body: CaseIn, ctx: Ctx, actor: CaseOpener) -> CaseOut:
    """A grave found outside a cemetery, in a village of the caller's division (409 `case_exists`
    for an id taken)."""
    state = await ill.open_case(
        ctx,
        actor,
        case_id=str(body.case_id or uuid.uuid4()),
        village=str(body.village),
        location=body.location,
        description=body.description,
        found_on=body.found_on,
    )
    return case_out(state)


@router.post(
    "/illegal-burials/{case_id}/order",
    status_code=201,
    tags=["illegal burials"],
    summary="Order rectification (责令整改)",
    response_model=CaseOut,
    responses=refusals(404, 409),
)
async def order(case_id: CasePath, body: OrderIn, ctx: Ctx, actor: CaseOrderer) -> CaseOut:
    """The deadline is `illegal_burial_rectification_days` (in force today) from today, moved to
    the next working day; when it passes with the case open, `IllegalBurialOverdue` is raised once
    (durable: it survives a restart)."""
    return case_out(await ill.order_rectification(ctx, actor, str(case_id), document=body.document))


@router.post(
    "/illegal-burials/{case_id}/resolution",
    status_code=201,
    tags=["illegal burials"],
    summary="Resolve a case: rectified or penalised",
    response_model=CaseOut,
    responses=refusals(404, 409),
)
async def resolve(case_id: CasePath, body: ResolutionIn, ctx: Ctx, actor: CaseResolver) -> CaseOut:
    """After the order (409 `not_ordered`), once (409 `case_closed`); the deadline is closed."""
    return case_out(await ill.resolve_case(ctx, actor, str(case_id), outcome=body.outcome, note=body.note))


@router.get(
    "/illegal-burials",
    tags=["illegal burials"],
    summary="List illegal burial cases",
    response_model=list[CaseOut],
)
async def list_cases(
    ctx: Ctx,
    actor: CaseReader,
    state: Annotated[
        Literal["opened", "ordered", "overdue", "rectified", "penalised"] | None, Query(description="filter")
    ] = None,
) -> list[CaseOut]:
    """The cases of the caller's villages, oldest finding first."""
    return [case_out(s) for s in await q.illegal_burials(ctx.store, actor, state=state)]


@router.get(
    "/illegal-burials/{case_id}",
    tags=["illegal burials"],
    summary="One illegal burial case",
    response_model=CaseOut,
    responses=refusals(404),
)
async def get_case(case_id: CasePath, ctx: Ctx, actor: CaseReader) -> CaseOut:
    """The case, its state and its deadline."""
    return case_out(await q.illegal_burial(ctx.store, actor, str(case_id)))
