"""Death-benefit cases over HTTP: the caseworker determines the cause (or again once the standard
is in force), records the payee and pays the one-off; one case, the list (by status), the
overpayments with their recovery tasks; on a task, a repayment (the caseworker) or the waiver of
the rest (the county approver), and the tasks' list (open / closed, township, case). Bounded
inputs; refusals 4xx with nothing written."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.errors import NotFound

from ...application.death import handlers as h
from ...application.death import queries as q
from ...domain.death import case as c
from ...domain.death.amounts import MAX_WAGE_FEN
from ..common import shown, strict
from ..conscripts.http import Day, Text

router = APIRouter(tags=["death"], responses=refusals(401, 403, 422))
Filer = Annotated[Actor, permit("death.file")]
Payer = Annotated[Actor, permit("death.pay")]
Reader = Annotated[Actor, permit("death.read")]
Recoverer = Annotated[Actor, permit("death.recover")]
Waiver = Annotated[Actor, permit("death.waive")]
CaseId = Annotated[str, Path(min_length=7, max_length=120, pattern=r"^death-[A-Za-z0-9_.:-]+$")]
TASK_EXAMPLE = "death-p1a2b3c4-e1700000-0000-4000-8000-000000000001-2026-05"
TaskId = Annotated[
    str,
    Path(
        min_length=7,
        max_length=200,
        pattern=r"^death-[A-Za-z0-9_.:-]+$",
        description="a recovery task's id (``recovery_task_id``)",
        examples=[TASK_EXAMPLE],
    ),
]


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
    amount_fen: int = Field(description="What was overpaid for the month, owed back.")
    payment_ids: list[str]
    recovery_task_id: str = Field(description="The task to recover the amount (追回).")
    status: Literal["open", "closed"] = Field(description="closed once nothing is owed")
    outcome: c.Outcome | None = Field(description="repaid 已追回 | waived 已核销 (the rest), once closed")
    repaid_fen: int
    waived_fen: int
    outstanding_fen: int = Field(description="amount_fen − repaid_fen − waived_fen")
    receipts: list[str] = Field(description="The receipts of the repayments recorded.")
    waiver_reason: str | None


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


MAX_REPAYMENT_FEN = 100_000_000
"""1,000,000 yuan: a bound on one repayment (it is never above what a task still owes)."""


class RepaymentIn(BaseModel):
    model_config = strict(
        {"receipt": "JK2026050001", "amount_fen": 300_000, "repaid_on": "2026-05-20", "note": "家属退回"},
        {"receipt": "JK2026050002", "amount_fen": 434_583, "repaid_on": "2026-05-28"},
    )
    receipt: str = Field(
        min_length=1,
        max_length=c.MAX_RECEIPT,
        pattern=r"^[A-Za-z0-9_./-]+$",
        description="the repayment's receipt (缴款凭证号): once per case",
    )
    amount_fen: int = Field(gt=0, le=MAX_REPAYMENT_FEN, description="fen repaid, at most what is owed")
    repaid_on: Day = Field(description="not in the future, not before the death")
    note: Text | None = None


class WaiverIn(BaseModel):
    model_config = strict({"reason": "领款人无力偿还, 经局务会研究核销"})
    reason: Text = Field(description="why what is still owed is written off (核销)")


class RecoveryTaskList(BaseModel):
    total: int
    outstanding_fen: int
    items: list[OverpaymentOut]


def task_out(s: c.Case, o: c.Overpayment) -> OverpaymentOut:
    return OverpaymentOut(
        case_id=s.case_id or "",
        entitlement_id=o.entitlement_id,
        period=str(o.period),
        amount_fen=o.amount_fen,
        payment_ids=list(o.payment_ids),
        recovery_task_id=o.recovery_task_id,
        status="closed" if o.closed else "open",
        outcome=o.outcome,
        repaid_fen=o.repaid_fen,
        waived_fen=o.waived_fen,
        outstanding_fen=o.outstanding_fen,
        receipts=list(o.receipts),
        waiver_reason=o.waiver_reason,
    )


def overpayments(s: c.Case) -> list[OverpaymentOut]:
    return [task_out(s, o) for o in s.overpayments]


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


@router.post(
    "/recovery-tasks/{task_id}/repayments",
    status_code=201,
    response_model=OverpaymentOut,
    summary="Record a repayment on a recovery task (追回 · 退回)",
    responses=refusals(404, 409),
)
async def record_repayment(task_id: TaskId, body: RepaymentIn, ctx: Ctx, actor: Recoverer) -> OverpaymentOut:
    """Partial repayments add up, never above what is owed (422 `repayment_exceeds_owed`); the
    task closes (`repaid`) when nothing is owed; a closed task is 409 `task_closed`, a receipt
    recorded already 409 `receipt_recorded`."""
    o = await h.record_repayment(
        ctx,
        actor,
        task_id,
        receipt=body.receipt,
        amount_fen=body.amount_fen,
        repaid_on=body.repaid_on,
        note=body.note or "",
    )
    return task_out(await _case_of(ctx, actor, task_id), o)


@router.post(
    "/recovery-tasks/{task_id}/waiver",
    status_code=201,
    response_model=OverpaymentOut,
    summary="Waive what is still owed on a recovery task, with the reason (核销)",
    responses=refusals(404, 409),
)
async def waive(task_id: TaskId, body: WaiverIn, ctx: Ctx, actor: Waiver) -> OverpaymentOut:
    """The county approver's decision; the task closes (`waived`); a closed task is 409
    `task_closed`."""
    o = await h.waive(ctx, actor, task_id, reason=body.reason)
    return task_out(await _case_of(ctx, actor, task_id), o)


async def _case_of(ctx: Ctx, actor: Actor, task_id: str) -> c.Case:
    cid = c.case_of_task(task_id) or ""

    async def unit(uow: UnitOfWork) -> c.Case:
        return await h.existing(uow, actor, cid)

    return await ctx.run(actor, unit)


@router.get("/recovery-tasks", response_model=RecoveryTaskList, summary="The recovery tasks, filtered")
async def list_recovery_tasks(
    ctx: Ctx,
    actor: Reader,
    status: Annotated[Literal["open", "closed"] | None, Query(description="open | closed")] = None,
    township: Annotated[str | None, Query(pattern=r"^[0-9]{9}$", description="a township code")] = None,
    case_id: Annotated[
        str | None, Query(min_length=7, max_length=120, pattern=r"^death-[A-Za-z0-9_.:-]+$")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> RecoveryTaskList:
    found = await q.recovery_tasks(ctx.store, actor, status=status, township=township, case_id=case_id)
    return RecoveryTaskList(
        total=len(found),
        outstanding_fen=sum(o.outstanding_fen for _, o in found),
        items=[task_out(s, o) for s, o in found[offset : offset + limit]],
    )


@router.get(
    "/recovery-tasks/{task_id}",
    response_model=OverpaymentOut,
    summary="One recovery task",
    responses=refusals(404),
)
async def get_recovery_task(task_id: TaskId, ctx: Ctx, actor: Reader) -> OverpaymentOut:
    cid = c.case_of_task(task_id)
    if cid is None:
        raise NotFound("task_not_found", "no such recovery task", field="task_id")

    async def unit(uow: UnitOfWork) -> tuple[c.Case, c.Overpayment]:
        state = await h.existing(uow, actor, cid)
        return state, c.task(state, task_id)

    try:
        state, o = await ctx.run(actor, unit)
    except NotFound as missing:
        if missing.code == "case_not_found":
            raise NotFound("task_not_found", "no such recovery task", field="task_id") from None
        raise
    return task_out(state, o)
