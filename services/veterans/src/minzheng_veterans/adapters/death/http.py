"""Death-benefit cases over HTTP: the caseworker determines the cause (or again once the standard
is in force), records the payee and pays the one-off; one case, the list (by status), the
overpayments with their recovery tasks. Bounded inputs; refusals 4xx with nothing written."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_eventstore.uow import UnitOfWork

from ...application.death import handlers as h
from ...application.death import queries as q
from ...domain.death import case as c
from ...domain.death.amounts import MAX_WAGE_FEN
from ..common import shown, strict

router = APIRouter(tags=["death"], responses=refusals(401, 403, 422))
Filer = Annotated[Actor, permit("death.file")]
Payer = Annotated[Actor, permit("death.pay")]
Reader = Annotated[Actor, permit("death.read")]
CaseId = Annotated[str, Path(min_length=7, max_length=120, pattern=r"^death-[A-Za-z0-9_.:-]+$")]


class OneOffOut(BaseModel):
    kind: str = Field(
        description="funeral_subsidy 丧葬补助 | funeral_grant 丧葬费 | one_off_pension 一次性抚恤金"
    )
    amount_fen: int
    standard_ids: list[str]


class OverpaymentOut(BaseModel):
    case_id: str
    entitlement_id: str
    period: str
    amount_fen: int
    payment_ids: list[str]
    recovery_task_id: str = Field(description="The task to recover the amount (追回), open.")


class CaseOut(BaseModel):
    case_id: str
    status: c.Status
    resident_id: str = Field(description="The deceased; masked but for the county approver and the auditor.")
    residence: str
    died_on: str
    entitlement_id: str = Field(description="The entitlement the one-off follows.")
    category: str
    key: str | None
    ended: list[str]
    cause: str | None
    one_off: OneOffOut | None
    survivor_kind: str | None = Field(
        description="The survivors' pension opened: illness 病故 | duty 因公牺牲"
    )
    payee_name: str | None
    payee_relation: str | None
    payment_id: str | None
    overpayments: list[OverpaymentOut]


class CaseList(BaseModel):
    total: int
    items: list[CaseOut]


class OverpaymentList(BaseModel):
    total: int
    total_fen: int
    items: list[OverpaymentOut]


class CauseIn(BaseModel):
    model_config = strict({"cause": "recurring_wound", "wage_fen": 800_000}, {"cause": "illness"}, {})
    cause: c.Cause | None = Field(default=None, description="illness 病故 | recurring_wound 旧伤复发")
    wage_fen: int | None = Field(
        default=None, ge=0, le=MAX_WAGE_FEN, description="recurring_wound: monthly wage"
    )


class PayeeIn(BaseModel):
    model_config = strict({"name": "李秀英", "relation": "spouse"})
    name: str = Field(min_length=1, max_length=c.MAX_NAME, pattern=r"^[^\x00-\x1f\x7f]+$")
    relation: c.Relation


def overpayments(s: c.Case) -> list[OverpaymentOut]:
    return [
        OverpaymentOut(
            case_id=s.case_id or "",
            entitlement_id=o.entitlement_id,
            period=str(o.period),
            amount_fen=o.amount_fen,
            payment_ids=list(o.payment_ids),
            recovery_task_id=o.recovery_task_id,
        )
        for o in s.overpayments
    ]


def out(s: c.Case, actor: Actor) -> CaseOut:
    one = s.one_off
    return CaseOut(
        case_id=s.case_id or "",
        status=s.status,
        resident_id=shown(actor, s.resident_id),
        residence=s.residence,
        died_on=s.died_on.isoformat() if s.died_on else "",
        entitlement_id=s.entitlement_id,
        category=s.category,
        key=s.key,
        ended=list(s.ended),
        cause=s.cause,
        one_off=None
        if one is None
        else OneOffOut(kind=one.kind, amount_fen=one.amount_fen, standard_ids=list(one.standard_ids)),
        survivor_kind=s.survivor_kind,
        payee_name=s.payee_name,
        payee_relation=s.payee_relation,
        payment_id=s.payment_id,
        overpayments=overpayments(s),
    )


@router.post("/death-cases/{case_id}/determination", response_model=CaseOut, responses=refusals(404, 409))
async def determine(case_id: CaseId, body: CauseIn, ctx: Ctx, actor: Filer) -> CaseOut:
    """Determine the case: the cause of a 因战 / 因公 disabled serviceman's death, or (no cause)
    again once the one-off's standard is in force."""
    return out(await h.determine(ctx, actor, case_id, cause=body.cause, wage_fen=body.wage_fen), actor)


@router.post("/death-cases/{case_id}/payee", response_model=CaseOut, responses=refusals(404, 409))
async def record_payee(case_id: CaseId, body: PayeeIn, ctx: Ctx, actor: Filer) -> CaseOut:
    """Record who receives the one-off (领款人)."""
    return out(await h.record_payee(ctx, actor, case_id, name=body.name, relation=body.relation), actor)


@router.post("/death-cases/{case_id}/payment", response_model=CaseOut, responses=refusals(404, 409))
async def pay(case_id: CaseId, ctx: Ctx, actor: Payer) -> CaseOut:
    """Pay the one-off, exactly once (409 ``already_paid`` after)."""
    return out(await h.pay(ctx, actor, case_id), actor)


@router.get("/death-cases/{case_id}", response_model=CaseOut, responses=refusals(404))
async def get_case(case_id: CaseId, ctx: Ctx, actor: Reader) -> CaseOut:
    async def unit(uow: UnitOfWork) -> c.Case:
        return await h.existing(uow, actor, case_id)

    return out(await ctx.run(actor, unit), actor)


@router.get("/death-cases", response_model=CaseList)
async def list_cases(ctx: Ctx, actor: Reader, status: Annotated[c.Status | None, Query()] = None) -> CaseList:
    found = await q.cases(ctx.store, actor, status=status)
    return CaseList(total=len(found), items=[out(s, actor) for s in found])


@router.get("/death-overpayments", response_model=OverpaymentList)
async def list_overpayments(ctx: Ctx, actor: Reader) -> OverpaymentList:
    """Months paid after a month of death, each with its recovery task (追回)."""
    items = [o for s in await q.cases(ctx.store, actor) for o in overpayments(s)]
    return OverpaymentList(total=len(items), total_fen=sum(o.amount_fen for o in items), items=items)
