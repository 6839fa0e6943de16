"""The pension routes: start a month's run, read a run's result, an entitlement's payments, and
the 抚恤事业费 ledger by month and category (what the provincial system consumes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from minzheng_contracts import Period
from minzheng_eventstore import Actor, StreamNotFoundError
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import NotFound

from ...application.pensions import ledger_reads
from ...application.pensions.run import run_pensions
from ...application.pensions.streams import run_stream
from ...domain.pensions.events import PENSION_EVENTS, PensionRunCompleted

router = APIRouter(tags=["pensions"], responses=refusals(401, 403))
Runner = Annotated[Actor, permit("pension.run")]
Reader = Annotated[Actor, permit("pension.read")]
LedgerReader = Annotated[Actor, permit("pension.ledger")]

MONTH = r"^(19|2[0-9]|[3-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
"""YYYY-MM, years 1900–9999 (``Period``'s): an earlier year is a 422 naming the field, not a 500."""
Month = Annotated[str, Path(pattern=MONTH, description="YYYY-MM")]
EntitlementId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Category = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[a-z0-9_.]+$")]


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"period": "2026-03"}]})
    period: Period


class RunOut(BaseModel):
    run_id: str
    period: str
    considered: int = Field(description="Entitlements considered for the month.")
    paid: int = Field(description="Months paid by this run.")
    already_paid: int = Field(description="Months found paid already (a repeated or resumed run).")
    total_fen: int = Field(description="What this run paid for the month, in fen.")
    back_paid: int = Field(description="Back-payments (补发) this run wrote after a late raise.")
    back_paid_fen: int
    skipped: dict[str, int] = Field(description="Entitlements not paid, by reason.")


class PaymentLine(BaseModel):
    payment_id: UUID
    kind: str = Field(description="monthly, or backpay (one line per month a back-payment makes up)")
    period: str
    amount_fen: int
    standard_id: str
    run_id: UUID | None
    issued_at: datetime


class LedgerRow(BaseModel):
    period: str
    category: str
    entitlements: int
    lines: int
    total_fen: int
    back_paid_fen: int | None


def _out(e: PensionRunCompleted) -> RunOut:
    return RunOut(**{k: v for k, v in e.to_data().items()})


@router.post("/pension-runs", status_code=201, summary="Run the month's pensions (抚恤金按月发放)")
async def start_run(body: RunIn, ctx: Ctx, actor: Runner) -> RunOut:
    """Pay every entitlement of the county for the month (its terms that month; several categories
    of one person stack or only the highest is paid, per the `pension.stacking` standard), and
    every back-payment a late raise left owed, once: a repeated or interrupted run pays nobody
    twice. 422 `period_in_future` (a month not begun), `no_standard_in_force` (no stacking
    standard for the month); 403 `outside_jurisdiction` for a caller whose division is not the
    whole county."""
    result = await run_pensions(ctx, actor, body.period)
    m, b = result.monthly, result.back
    return RunOut(
        run_id=m.run_id,
        period=m.period,
        considered=m.considered,
        paid=m.paid,
        already_paid=m.already_paid,
        total_fen=m.total_fen,
        back_paid=b.paid,
        back_paid_fen=b.total_fen,
        skipped=m.skipped,
    )


@router.get("/pension-runs/{period}", summary="The runs of a month", responses=refusals(404))
async def runs_of(period: Month, ctx: Ctx, actor: Reader) -> list[RunOut]:
    """Every run of the month, in order, with what each did. 404 `no_run` if none has run."""
    try:
        events = await ctx.store.read_stream(run_stream(period))
    except StreamNotFoundError:
        raise NotFound("no_run", f"no pension run for {period}", field="period") from None
    return [
        _out(fact)
        for e in events
        if isinstance(fact := PENSION_EVENTS.load(e.event_type, e.data), PensionRunCompleted)
    ]


@router.get("/entitlements/{entitlement_id}/payments", summary="An entitlement's pension payments")
async def payments(entitlement_id: EntitlementId, ctx: Ctx, actor: Reader) -> list[PaymentLine]:
    """Every month paid for the entitlement, with the standard it was paid under; a back-payment
    is one line per month it makes up (read model, the first 1,000 lines); only the payments made
    within the caller's division."""
    rows = await ledger_reads.payments_of(ctx, entitlement_id, actor.jurisdiction or ctx.county)
    return [PaymentLine(**r) for r in rows]


@router.get("/pension-ledger", summary="Pensions paid by month and category (抚恤事业费)")
async def ledger(
    ctx: Ctx,
    actor: LedgerReader,
    period: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM")] = None,
    category: Category | None = None,
) -> list[LedgerRow]:
    """Per month and category: the entitlements paid, the lines, the total and what of it was
    back-paid, within the caller's division."""
    rows: list[dict[str, Any]] = await ledger_reads.by_category(
        ctx, actor.jurisdiction or ctx.county, Period.parse(period) if period else None, category
    )
    return [LedgerRow(**r) for r in rows]


__all__ = ["router"]
