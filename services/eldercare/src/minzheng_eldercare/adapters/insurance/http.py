"""The accident-insurance routes: enrol a policy year, list its enrolments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.insurance.enrol import enrol
from ..common import shown, strict
from . import register

router = APIRouter(tags=["accident insurance"], responses=refusals(401, 403))
Enroller = Annotated[Actor, permit("insurance.enrol")]
Reader = Annotated[Actor, permit("insurance.read")]
Year = Annotated[int, Query(ge=2000, le=2100)]


class EnrolIn(BaseModel):
    model_config = strict({"policy_year": 2027})
    policy_year: int = Field(ge=2000, le=2100, strict=True)


class EnrolOut(BaseModel):
    run_id: str
    policy_year: int
    considered: int = Field(description="Registered elders considered.")
    enrolled: int = Field(description="Enrolled by this call.")
    already_enrolled: int = Field(description="Found enrolled already (a rerun).")
    total_fen: int = Field(description="Premiums paid by this call, in fen.")
    skipped: dict[str, int] = Field(description="Elders not enrolled, by reason.")


class EnrolmentOut(BaseModel):
    payment_id: UUID
    elder_id: str
    policy_year: int
    age: int
    premium_fen: int
    standard_id: str
    residence: str
    beneficiary: str = Field(description="Resident ID, masked but for the approver and the auditor")
    enrolled_at: datetime


class EnrolmentsPage(BaseModel):
    total: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[EnrolmentOut]


@router.post(
    "/insurance-enrolments",
    status_code=201,
    summary="Enrol a policy year (老年人意外伤害保险参保)",
    responses=refusals(422),
)
async def start_enrolment(body: EnrolIn, ctx: Ctx, actor: Enroller) -> EnrolOut:
    """Enrol every registered elder living and resident in the county and aged at least
    `insurance.min_age` on the policy year's 1 January, once per (elder, year), the premium
    `insurance.premium` paid by the state (each one a payment). A rerun adds nobody. 422
    `policy_year_too_far` (after next year), `no_standard_in_force` (no premium on 1 January)."""
    r = await enrol(ctx, actor, body.policy_year)
    return EnrolOut(
        run_id=r.run_id,
        policy_year=body.policy_year,
        considered=r.considered,
        enrolled=r.paid,
        already_enrolled=r.already_paid,
        total_fen=r.total_fen,
        skipped=r.skipped,
    )


@router.get("/insurance-enrolments", summary="A policy year's enrolments", responses=refusals(422))
async def enrolments(
    ctx: Ctx,
    actor: Reader,
    policy_year: Year,
    limit: Annotated[int, Query(ge=1, le=register.MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EnrolmentsPage:
    """The elders enrolled for the year within the caller's division, by elder, paged."""
    total, rows = await register.enrolments(
        ctx, actor.jurisdiction or ctx.county, policy_year, limit=limit, offset=offset
    )
    items = [EnrolmentOut(**{**r, "beneficiary": shown(actor, r["beneficiary"])}) for r in rows]
    following = offset + len(items)
    return EnrolmentsPage(
        total=total,
        limit=limit,
        offset=offset,
        next_offset=following if following < total else None,
        items=items,
    )


__all__ = ["router"]
