"""The allowance run's routes: start a month's run, read a month's runs, the payments (filtered,
paged) and the overpayments recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from minzheng_contracts import Period
from minzheng_eventstore import Actor, StreamNotFoundError
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import NotFound

from ...application.payments import ledger_reads, overpayments
from ...application.payments.run import run_allowances
from ...application.payments.streams import run_stream
from ...domain.payments.events import PAYMENT_EVENTS, AllowanceRunCompleted
from ..common import shown, strict

router = APIRouter(tags=["allowance payments"], responses=refusals(401, 403))
Runner = Annotated[Actor, permit("allowance_run.start")]
Reader = Annotated[Actor, permit("allowance_run.read")]

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
KEY = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$"
ID = r"^[A-Za-z0-9_.:-]+$"
Month = Annotated[str, Path(pattern=MONTH, description="YYYY-MM")]
ElderId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID)]
Limit = Annotated[int, Query(ge=1, le=ledger_reads.MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


class RunIn(BaseModel):
    model_config = strict({"period": "2026-03"})
    period: Period


class RunOut(BaseModel):
    run_id: str
    period: str
    mode: str = Field(description="monthly, or annual (the year's months paid in the annual month)")
    considered: int = Field(description="Elders on the roll considered.")
    paid: int = Field(description="Payments written by this run.")
    already_paid: int = Field(description="Payments found written already (a repeated or resumed run).")
    total_fen: int = Field(description="What this run paid, in fen.")
    skipped: dict[str, int] = Field(description="Elders not paid, by reason.")


class PaymentOut(BaseModel):
    payment_id: UUID
    elder_id: str
    allowance_id: str
    key: str = Field(description="YYYY-MM for a month's payment, YYYY for a year's (annual mode)")
    mode: str
    band: str
    amount_fen: int
    standard_id: str = Field(description="The band's standard in force (a year's: its last month's)")
    months: list[str]
    run_id: UUID | None
    residence: str
    beneficiary: str = Field(description="Resident ID, masked but for the approver and the auditor")
    issued_at: datetime


class PaymentsPage(BaseModel):
    total: int
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last.")
    items: list[PaymentOut]


class OverpaymentOut(BaseModel):
    overpayment_id: UUID
    elder_id: str
    allowance_id: str
    payment_id: UUID
    key: str
    months: list[str] = Field(description="The months paid after the last period")
    amount_fen: int = Field(description="To recover (追回), in fen")
    last_period: str
    reason: str
    died_on: str | None
    residence: str
    recorded_at: datetime


@router.post(
    "/allowance-runs",
    status_code=201,
    summary="Run the month's allowances (高龄津贴发放)",
    responses=refusals(422),
)
async def start_run(body: RunIn, ctx: Ctx, actor: Runner) -> RunOut:
    """Pay every elder on the county's roll for the month, in the roll's band at the band's
    monthly standard in force on the 1st; in annual mode (`allowance.mode` 1) the run of the month
    `allowance.annual_month` pays each elder's eligible months of the year once, and other months
    pay nothing. A repeated or interrupted run pays nobody twice. 422 `period_in_future` (a month
    not begun); 403 `outside_jurisdiction` for a caller whose division is not the whole county."""
    done = await run_allowances(ctx, actor, body.period)
    r = done.result
    return RunOut(
        run_id=r.run_id,
        period=str(body.period),
        mode=done.mode.name.lower(),
        considered=r.considered,
        paid=r.paid,
        already_paid=r.already_paid,
        total_fen=r.total_fen,
        skipped=r.skipped,
    )


@router.get("/allowance-runs/{period}", summary="The allowance runs of a month", responses=refusals(404, 422))
async def runs_of(period: Month, ctx: Ctx, actor: Reader) -> list[RunOut]:
    """Every run of the month, in order, with what each did. 404 `no_run` if none has run."""
    try:
        events = await ctx.store.read_stream(run_stream(period))
    except StreamNotFoundError:
        raise NotFound("no_run", f"no allowance run for {period}", field="period") from None
    return [
        RunOut(**fact.to_data())
        for e in events
        if isinstance(fact := PAYMENT_EVENTS.load(e.event_type, e.data), AllowanceRunCompleted)
    ]


@router.get("/allowance-payments", summary="Allowance payments (发放明细)", responses=refusals(422))
async def payments(
    ctx: Ctx,
    actor: Reader,
    period: Annotated[
        str | None, Query(pattern=KEY, description="YYYY-MM, or YYYY for a year's payments")
    ] = None,
    elder_id: ElderId = None,
    band: Annotated[
        str | None, Query(pattern=r"^[0-9]{2,3}(-[0-9]{2,3}|\+)$", description="80-89, 100+")
    ] = None,
    mode: Annotated[str | None, Query(pattern=r"^(monthly|annual)$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> PaymentsPage:
    """The payments made within the caller's division, by key then elder, paged (`limit` at most
    500, `offset`; `next_offset` is null on the last page)."""
    f = ledger_reads.PaymentFilter(actor.jurisdiction or ctx.county, period, elder_id, band, mode)
    total, rows = await ledger_reads.payments(ctx, f, limit=limit, offset=offset)
    items = [PaymentOut(**{**r, "beneficiary": shown(actor, r["beneficiary"])}) for r in rows]
    following = offset + len(items)
    return PaymentsPage(
        total=total,
        limit=limit,
        offset=offset,
        next_offset=following if following < total else None,
        items=items,
    )


@router.get("/allowance-overpayments", summary="Allowance overpayments (超发待追回)", responses=refusals(422))
async def overpaid(
    ctx: Ctx, actor: Reader, elder_id: ElderId = None, limit: Limit = 100, offset: Offset = 0
) -> list[OverpaymentOut]:
    """The overpayments recorded within the caller's division (each end taken in first): one per
    payment that covered months after the allowance's last period, with the months and the amount
    to recover."""
    await overpayments.react(ctx)
    rows: list[dict[str, Any]] = await ledger_reads.overpayments(
        ctx, actor.jurisdiction or ctx.county, elder_id, limit=limit, offset=offset
    )
    return [OverpaymentOut(**r) for r in rows]


__all__ = ["router"]
