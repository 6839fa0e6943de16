"""The caseworkers' HTTP API. Inputs are validated here (pydantic); rules are the domain's."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from minzheng_contracts import DivisionCode, Employment, Period, Relationship, ResidentId
from minzheng_eventstore.deps import Ctx, CurrentActor
from minzheng_kernel.errors import DomainError

from ..application import handlers as h
from ..application import other_aid as oa
from ..application import payments
from ..application.guards import standards_table
from ..domain.household import Household, Member, Step
from ..domain.other_aid import AidCause, Receipt, SupportMode
from ..domain.standards import Parameter
from .projection import NAME as READ_MODELS

Strict = ConfigDict(extra="forbid")
MAX_MEMBERS = 50
"""A household larger than this is an input error, not a household (the store's size limit is the
backstop for anything that slips through)."""
MAX_FEN = 10**10
"""The largest amount in fen a field takes (a monthly income, a receipt, a grant): 100 million yuan."""
MAX_STANDARD = 10**12
"""The largest value of a standard (each parameter has its own, smaller, maximum: ``Parameter``)."""
MAX_RECEIPTS = 100
TEXT = 2000
"""The longest free text (notes, summaries, reasons)."""
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
"""A client-chosen text id (objection, medical claim): letters, digits and ``._:-``, 100 at most."""

Programme = Literal["dibao_urban", "dibao_rural", "tekun", "temporary_aid", "medical_aid"]
Fen = Annotated[int, Field(ge=0, le=MAX_FEN, strict=True)]
TextId = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: object) -> object:
    """A date is a ``YYYY-MM-DD`` string: not a number (``0`` is not 1970-01-01), not a timestamp."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}),
]


class MemberIn(BaseModel):
    model_config = Strict
    resident_id: ResidentId
    relationship: Relationship
    monthly_income_fen: Fen
    employment: Employment


class ApplyIn(BaseModel):
    model_config = Strict
    household_id: uuid.UUID | None = Field(
        default=None, description="Client-chosen id: re-sending is idempotent."
    )
    programme: Literal["dibao_urban", "dibao_rural"]
    residence: DivisionCode
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)
    official_relative: bool = Field(default=False, description="近亲属备案: a close relative of an official.")

    @field_validator("members")
    @classmethod
    def _one_applicant(cls, members: list[MemberIn]) -> list[MemberIn]:
        if sum(1 for m in members if m.relationship is Relationship.SELF) != 1:
            raise ValueError("exactly one member must have relationship 'self' (the applicant)")
        return members


class StepIn(BaseModel):
    model_config = Strict
    passed: bool
    notes: str = Field(default="", max_length=2000)


class ObjectionIn(BaseModel):
    model_config = Strict
    objection_id: TextId | None = Field(
        default=None, description="Client-chosen id: re-sending is idempotent."
    )
    summary: str = Field(min_length=1, max_length=TEXT)


class ResolutionIn(BaseModel):
    model_config = Strict
    upheld: bool
    resolution: str = Field(min_length=1, max_length=TEXT)


class ApprovalIn(BaseModel):
    model_config = Strict
    classification: str | None = Field(
        default=None, min_length=1, max_length=10, pattern=r"^[A-Za-z0-9]+$", description="分类施保 class"
    )


class ReasonIn(BaseModel):
    model_config = Strict
    reason: str = Field(min_length=1, max_length=TEXT)


class IncomeIn(BaseModel):
    model_config = Strict
    resident_id: ResidentId
    monthly_income_fen: Fen


class RecheckIn(BaseModel):
    """New monthly incomes of members (a list, not a map keyed by resident ID: an error names
    ``incomes.0.monthly_income_fen``, never a resident ID)."""

    model_config = Strict
    incomes: list[IncomeIn] = Field(min_length=1, max_length=MAX_MEMBERS)


class PeriodIn(BaseModel):
    model_config = Strict
    period: Period


class StandardIn(BaseModel):
    model_config = Strict
    parameter: Parameter
    jurisdiction: DivisionCode
    effective_from: IsoDate
    value: int = Field(ge=0, le=MAX_STANDARD, strict=True)


class DivisionIn(BaseModel):
    model_config = Strict
    code: DivisionCode
    name: str = Field(min_length=1, max_length=100)


class TekunIn(BaseModel):
    model_config = Strict
    case_id: uuid.UUID | None = Field(default=None, description="Client-chosen id: re-sending is idempotent.")
    person: ResidentId
    residence: DivisionCode
    mode: SupportMode


class ModeIn(BaseModel):
    model_config = Strict
    mode: SupportMode


class TemporaryAidIn(BaseModel):
    model_config = Strict
    grant_id: uuid.UUID | None = Field(
        default=None, description="Client-chosen id: re-sending is idempotent."
    )
    beneficiary: ResidentId
    residence: DivisionCode
    cause: AidCause
    amount_fen: int = Field(gt=0, le=MAX_FEN, strict=True)


class ReceiptIn(BaseModel):
    model_config = Strict
    number: TextId
    amount_fen: int = Field(gt=0, le=MAX_FEN, strict=True)


class MedicalClaimIn(BaseModel):
    model_config = Strict
    claim_id: TextId = Field(description="Client-chosen id: re-sending is idempotent.")
    beneficiary: ResidentId
    residence: DivisionCode
    receipts: list[ReceiptIn] = Field(min_length=1, max_length=MAX_RECEIPTS)


def household_view(hid: uuid.UUID, state: Household) -> dict[str, Any]:
    return {
        "household_id": str(hid),
        "status": state.status.value,
        "programme": state.programme,
        "residence": state.residence,
        "members": len(state.living),
        "steps_passed": sorted(s.value for s in state.passed),
        "steps_failed": sorted(s.value for s in state.failed),
        "notice_ends_at": state.notice_ends_at.isoformat() if state.notice_ends_at else None,
        "open_objections": len(state.objections),
        "recheck_due": state.recheck_due,
        "closed_reason": state.closed_reason,
    }


router = APIRouter()


@router.post("/divisions", status_code=201, tags=["configuration"])
async def add_division(body: DivisionIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    await h.register_division(ctx, actor, code=body.code, name=body.name, level=body.code.level)
    return {"code": body.code}


@router.post("/standards", status_code=201, tags=["configuration"])
async def add_standard(body: StandardIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    std = await h.set_standard(
        ctx,
        actor,
        parameter=body.parameter,
        jurisdiction=body.jurisdiction,
        effective_from=body.effective_from,
        value=body.value,
    )
    return {"standard_id": std.standard_id}


@router.get("/standards", tags=["configuration"])
async def list_standards(ctx: Ctx) -> list[dict[str, Any]]:
    async with ctx.store.pool.acquire() as conn:
        table = await standards_table(conn)
    return [
        {
            "standard_id": s.standard_id,
            "parameter": s.parameter.value,
            "jurisdiction": s.jurisdiction,
            "effective_from": s.effective_from.isoformat(),
            "value": s.value,
        }
        for s in table
    ]


@router.post("/households", status_code=201, tags=["dibao"])
async def apply(body: ApplyIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    members = [
        Member(m.resident_id.reveal(), m.relationship.value, m.monthly_income_fen, m.employment.value)
        for m in body.members
    ]
    hid = await h.apply_household(
        ctx,
        actor,
        household_id=body.household_id or uuid.uuid4(),
        programme=body.programme,
        residence=body.residence,
        members=members,
        official_relative=body.official_relative,
    )
    return {"household_id": str(hid)}


@router.post("/households/{hid}/steps/{step}", tags=["dibao"])
async def step(hid: uuid.UUID, step: Step, body: StepIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.record_step(ctx, actor, hid, step, body.passed, body.notes))


@router.post("/households/{hid}/notice", tags=["dibao"])
async def notice(hid: uuid.UUID, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.post_notice(ctx, actor, hid))


@router.post("/households/{hid}/objections", status_code=201, tags=["dibao"])
async def objection(hid: uuid.UUID, body: ObjectionIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    oid = body.objection_id or str(uuid.uuid4())
    view = household_view(hid, await h.raise_objection(ctx, actor, hid, oid, body.summary))
    return {**view, "objection_id": oid}


@router.post("/households/{hid}/objections/{oid}/resolution", tags=["dibao"])
async def resolve(
    hid: uuid.UUID,
    oid: Annotated[str, Path(min_length=1, max_length=100, pattern=ID_PATTERN)],
    body: ResolutionIn,
    ctx: Ctx,
    actor: CurrentActor,
) -> dict[str, Any]:
    state = await h.resolve_objection(ctx, actor, hid, oid, body.upheld, body.resolution)
    return household_view(hid, state)


@router.post("/households/{hid}/approval", tags=["dibao"])
async def approve(hid: uuid.UUID, body: ApprovalIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.approve(ctx, actor, hid, body.classification))


@router.post("/households/{hid}/rejection", tags=["dibao"])
async def reject(hid: uuid.UUID, body: ReasonIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.reject(ctx, actor, hid, body.reason))


@router.post("/households/{hid}/recheck", tags=["dibao"])
async def recheck(hid: uuid.UUID, body: RecheckIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    incomes = {i.resident_id.reveal(): i.monthly_income_fen for i in body.incomes}
    if len(incomes) != len(body.incomes):
        raise DomainError("duplicate_member", "a person is listed twice", field="incomes")
    return household_view(hid, await h.recheck(ctx, actor, hid, incomes))


@router.post("/households/{hid}/suspension", tags=["dibao"])
async def suspend(hid: uuid.UUID, body: ReasonIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.suspend(ctx, actor, hid, body.reason))


@router.post("/households/{hid}/resumption", tags=["dibao"])
async def resume(hid: uuid.UUID, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.resume(ctx, actor, hid))


@router.post("/households/{hid}/withdrawal", tags=["dibao"])
async def withdraw(hid: uuid.UUID, body: ReasonIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return household_view(hid, await h.withdraw(ctx, actor, hid, body.reason))


@router.post("/households/{hid}/payments", status_code=201, tags=["payments"])
async def pay(hid: uuid.UUID, body: PeriodIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return await payments.pay_household(ctx, actor, hid, body.period)


@router.post("/payment-runs", status_code=201, tags=["payments"])
async def payment_run(body: PeriodIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    result = await payments.run_payments(ctx, actor, body.period, projection=ctx.projection(READ_MODELS))
    return result.__dict__


@router.get("/households/{hid}", tags=["queries"])
async def status(hid: uuid.UUID, ctx: Ctx) -> dict[str, Any]:
    return household_view(hid, await h.household(ctx, hid))


@router.get("/households/{hid}/timeline", tags=["queries"])
async def timeline(hid: uuid.UUID, ctx: Ctx) -> list[dict[str, Any]]:
    events = await ctx.store.read_stream(h.household_stream(hid))
    return [
        {
            "version": e.version,
            "event_type": e.event_type,
            "occurred_at": e.occurred_at.isoformat(),
            "recorded_at": e.recorded_at.isoformat(),
            "actor": e.actor,
            "data": e.data,
        }
        for e in events
    ]


async def _rows(ctx: Ctx, sql: str, *args: Any) -> list[dict[str, Any]]:
    await ctx.projection(READ_MODELS).catch_up()
    async with ctx.store.pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch(sql, *args)]


@router.get("/households/{hid}/payments", tags=["queries"])
async def payment_history(hid: uuid.UUID, ctx: Ctx) -> list[dict[str, Any]]:
    return await _rows(
        ctx,
        "SELECT payment_id::text, period, amount_fen, standard_id, run_id::text, issued_at "
        "FROM payments WHERE household_id = $1 ORDER BY period",
        hid,
    )


@router.get("/notices", tags=["queries"])
async def notices(ctx: Ctx, village: DivisionCode = Query(...)) -> list[dict[str, Any]]:
    return await _rows(
        ctx,
        "SELECT household_id::text, programme, persons, notice_ends_at, open_objections "
        "FROM households WHERE status = 'notice' AND residence LIKE $1 || '%' ORDER BY notice_ends_at",
        village,
    )


@router.get("/roll", tags=["queries"])
async def roll(ctx: Ctx, township: DivisionCode | None = None) -> list[dict[str, Any]]:
    return await _rows(
        ctx,
        "SELECT township, category, count(*) AS households, sum(persons) AS persons FROM households "
        "WHERE status = 'active' AND ($1::text IS NULL OR township = $1) "
        "GROUP BY township, category ORDER BY township, category",
        township,
    )


@router.get("/payments/summary", tags=["queries"])
async def paid(
    ctx: Ctx,
    period: Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None,
    programme: Programme | None = None,
) -> list[dict[str, Any]]:
    return await _rows(
        ctx,
        "SELECT coalesce(period, substr(issued_at::text, 1, 7)) AS period, programme, "
        "count(*) AS payments, sum(amount_fen)::bigint AS amount_fen FROM payments "
        "WHERE ($1::text IS NULL OR period = $1) AND ($2::text IS NULL OR programme = $2) "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        period,
        programme,
    )


@router.post("/tekun", status_code=201, tags=["tekun"])
async def tekun(body: TekunIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    cid = await oa.confirm_tekun(
        ctx,
        actor,
        case_id=body.case_id or uuid.uuid4(),
        person=body.person.reveal(),
        residence=body.residence,
        mode=body.mode,
    )
    return {"case_id": str(cid)}


@router.post("/tekun/{cid}/mode", tags=["tekun"])
async def tekun_mode(cid: uuid.UUID, body: ModeIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    await oa.change_tekun_mode(ctx, actor, cid, body.mode)
    return {"case_id": str(cid), "mode": body.mode.value}


@router.post("/temporary-aid", status_code=201, tags=["temporary aid"])
async def temporary(body: TemporaryAidIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    gid = body.grant_id or uuid.uuid4()
    await oa.grant_temporary_aid(
        ctx,
        actor,
        grant_id=gid,
        beneficiary=body.beneficiary.reveal(),
        residence=body.residence,
        cause=body.cause,
        amount_fen=body.amount_fen,
    )
    return {"grant_id": str(gid)}


@router.post("/medical-claims", status_code=201, tags=["medical aid"])
async def medical(body: MedicalClaimIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    paid = await oa.claim_medical_aid(
        ctx,
        actor,
        claim_id=body.claim_id,
        beneficiary=body.beneficiary.reveal(),
        residence=body.residence,
        receipts=[Receipt(x.number, x.amount_fen) for x in body.receipts],
    )
    return {
        "claim_id": paid.claim_id,
        "eligible_fen": paid.eligible_fen,
        "computed_fen": paid.computed_fen,
        "paid_fen": paid.paid_fen,
        "capped": paid.capped,
        "cap_remaining_fen": paid.cap_remaining_fen,
        "standard_id": paid.standard_id,
    }
