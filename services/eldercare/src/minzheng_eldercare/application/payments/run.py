"""The monthly allowance run (高龄津贴按月发放), or the annual one (按年发放), on the kit's
exactly-once ``MonthlyRun``.

One run of a month:

1. the mode in force on the month's 1st (``allowance.mode``);
2. monthly: every elder the roll pays that month, in the roll's band, at the band's monthly
   standard in force on the 1st: one ``AllowancePaid`` per (elder, month), stream
   ``payment-<elder>-<YYYY-MM>``; a month already covered by a year's payment is not paid again;
3. annual, in the month ``allowance.annual_month``: every elder's eligible months of the year not
   yet paid, each at its own month's standard, in ONE ``AllowancePaid`` per (elder, year), stream
   ``payment-<elder>-<YYYY>``; any other month pays nothing;
4. an ``AllowanceRunCompleted`` in ``allowance-run-<YYYY-MM>``.

A repeated run, or one resumed after a crash (kill -9), finds its payments written and pays
nobody twice; the roll and the ledger are only where the run *selects* from (a stale selection
names the same ids). The run holds the payments lock shared (``lock``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from minzheng_contracts.period import Period
from minzheng_eventstore import ANY_VERSION, Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.payments import BATCH, RunResult
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError, Forbidden
from minzheng_kernel.standards import StandardsTable

from ...domain.allowance.parameters import Mode
from ...domain.payments.dues import (
    ALREADY_PAID_ANNUALLY,
    BandsOn,
    Month,
    annual_month,
    bands_on,
    mode_of,
    month_due,
    year_due,
)
from ...domain.payments.events import AllowancePaid, AllowanceRunCompleted, PaidMonthData
from ...domain.payments.roll import RollEntry
from ..configuration import standards_table
from . import ledger_reads, roll_reads
from .lock import paying
from .streams import NAMESPACE, RUN_STREAM_TYPE, run_stream

NOT_THE_ANNUAL_MONTH = "annual_mode"
"""Skipped: the county pays once a year, in another month."""
NOTHING_DUE = "nothing_due"
"""Skipped (annual mode): no month of the year due, or all of them paid already."""


@dataclass(frozen=True, slots=True)
class AllowanceRun:
    """What a run did, and in which mode."""

    mode: Mode
    result: RunResult


def check_payable(period: Period, ctx: ServiceContext) -> None:
    """Refuse (422 ``period_in_future``) a month that has not begun in the county."""
    current = Period.of(local_date(ctx.clock.now()))
    if current < period:
        raise DomainError(
            "period_in_future", f"{period} has not begun: the county is in {current}", field="period"
        )


def _paid(
    run: runtime.MonthlyRun, pid: uuid.UUID, e: RollEntry, months: Sequence[Month], mode: Mode
) -> AllowancePaid:
    stored: list[PaidMonthData] = [
        {"period": str(m.period), "band": m.band, "amount_fen": m.amount_fen, "standard_id": m.standard_id}
        for m in months
    ]
    return AllowancePaid(
        payment_id=str(pid),
        elder_id=e.elder_id,
        allowance_id=e.allowance_id,
        key=run.period,
        mode="annual" if mode is Mode.ANNUAL else "monthly",
        band=months[-1].band,
        amount_fen=sum(m.amount_fen for m in months),
        standard_id=months[-1].standard_id,
        months=stored,
        run_id=str(run.run_id),
        residence=e.residence,
        beneficiary=e.person,
    )


async def _pay(run: runtime.MonthlyRun, e: RollEntry, months: Sequence[Month], mode: Mode) -> None:
    pid = run.payment_id(e.elder_id)
    fact = _paid(run, pid, e, months, mode)
    await run.pay(
        e.elder_id,
        fact,
        event_id=pid,
        amount_fen=fact.amount_fen,
        jurisdiction=e.residence,
    )


async def _pay_month(
    run: runtime.MonthlyRun,
    roll: Sequence[RollEntry],
    bands: BandsOn,
    period: Period,
    paid: dict[str, frozenset[Period]],
) -> None:
    for e in roll:
        due = month_due(bands, e, period)
        if isinstance(due, str):
            run.skip(due)
        elif period in paid.get(e.elder_id, frozenset()):
            run.skip(ALREADY_PAID_ANNUALLY)
        else:
            await _pay(run, e, (due,), Mode.MONTHLY)


async def _pay_year(
    run: runtime.MonthlyRun,
    roll: Sequence[RollEntry],
    bands: BandsOn,
    year: int,
    paid: dict[str, frozenset[Period]],
) -> None:
    for e in roll:
        months = year_due(bands, e, year, paid.get(e.elder_id, frozenset()))
        if not months:
            run.skip(NOTHING_DUE)
        else:
            await _pay(run, e, months, Mode.ANNUAL)


async def run_allowances(
    ctx: ServiceContext, actor: Actor, period: Period, *, batch: int = BATCH
) -> AllowanceRun:
    """Pay every elder of the county's roll for ``period`` (or, annual mode in its month, for the
    year) once; resumable, repeatable. 422 ``period_in_future`` (a month not begun) before anything
    is paid; 403 ``outside_jurisdiction`` for a caller whose division is not the whole county."""
    if not actor.within(ctx.county):
        raise Forbidden(
            "outside_jurisdiction",
            f"the allowance run covers the whole county {ctx.county}: this caller's division does not",
            field="period",
        )
    check_payable(period, ctx)
    async with paying(ctx.store):
        table: StandardsTable = await ctx.run(actor, standards_table)
        mode = mode_of(table, ctx.county, period)
        annual = mode is Mode.ANNUAL
        roll = await roll_reads.allowances(ctx)
        # the months the other mode paid (a repeat of this mode's own payment is the kit's to find)
        paid = await ledger_reads.months_paid_in(ctx, period.year, mode="monthly" if annual else "annual")
        bands = bands_on(table)
        key: object = period.year if annual else period
        run = runtime.MonthlyRun(
            ctx.store, ctx.builder(actor), namespace=NAMESPACE, period=f"{key}", batch=batch
        )
        if not annual:
            await _pay_month(run, roll, bands, period, paid)
        elif period.month == annual_month(table, ctx.county, period):
            await _pay_year(run, roll, bands, period.year, paid)
        else:
            for _ in roll:
                run.skip(NOT_THE_ANNUAL_MONTH)
        result = await run.finish()
        summary = AllowanceRunCompleted(
            run_id=result.run_id,
            period=str(period),
            mode="annual" if annual else "monthly",
            considered=result.considered,
            paid=result.paid,
            already_paid=result.already_paid,
            total_fen=result.total_fen,
            skipped=dict(result.skipped),
        )

        async def record(uow: UnitOfWork) -> None:
            built = uow.builder.build([summary], jurisdiction=ctx.county)
            await uow.append(run_stream(period), RUN_STREAM_TYPE, built, expected_version=ANY_VERSION)

        await ctx.run(actor, record)
        return AllowanceRun(mode, result)


__all__ = ["NOTHING_DUE", "NOT_THE_ANNUAL_MONTH", "AllowanceRun", "check_payable", "run_allowances"]
