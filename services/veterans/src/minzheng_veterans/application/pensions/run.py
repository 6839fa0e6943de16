"""The monthly pension run (抚恤金按月发放) and the back-payments it finds (补发).

One run of a month, on the kit's exactly-once ``MonthlyRun``:

1. every entitlement payable by this county in the month, on its terms of that month (the
   entitlement area's answer, selected from the roll projection brought up to date first:
   ``roll_reads``), grouped by person: the person's dues under the standards in force
   on the 1st, all of them or only the highest (the ``stacking`` standard); one ``PensionPaid``
   per entitlement and month (stream ``payment-<entitlement>-<YYYY-MM>``);
2. every entitlement's months already paid (the ledger, brought up to date first), recomputed
   under the standards now in force: where a late raise (a standard posted after the month it
   takes effect from) left months underpaid, ONE ``PensionBackPaid`` for all of them, its id made
   from the months and their standards (``streams``);
3. a ``PensionRunCompleted`` in ``pension-run-<YYYY-MM>``.

A repeated run, or one resumed after a crash, finds its payments and back-payments written and
pays nobody twice; the ledger is only where the run *selects* from (a stale selection names the
same ids). The run holds the payments lock shared (``lock``): a death taken in meanwhile waits
for it, or the run sees it.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from minzheng_contracts import Period
from minzheng_eventstore import ANY_VERSION, Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.payments import BATCH, RunResult
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError, Forbidden
from minzheng_kernel.standards import StandardsTable

from ...domain.pensions.amounts import Due
from ...domain.pensions.backpay import BackPayment
from ...domain.pensions.events import OwedMonthData, PensionBackPaid, PensionPaid, PensionRunCompleted
from ...domain.pensions.monthly import Basis, owed, person_month
from ...domain.pensions.parameters import STACKING
from ..configuration import standards_table
from . import ledger_reads, roll_reads
from .lock import paying
from .roll import Entitled
from .streams import BACKPAY, NAMESPACE, backpay_case, run_stream

NOT_PAYABLE = "not_payable"
"""Skipped: the entitlement is not paid by this county this month (not started, suspended,
cancelled, transferred)."""


@dataclass(frozen=True, slots=True)
class PensionRun:
    """What a run did: the months paid (``monthly``) and the back-payments (``back``)."""

    monthly: RunResult
    back: RunResult


def check_payable(period: Period, ctx: ServiceContext) -> None:
    """Refuse (422 ``period_in_future``) a month that has not begun in the county."""
    current = Period.of(local_date(ctx.clock.now()))
    if current < period:
        raise DomainError(
            "period_in_future", f"{period} has not begun: the county is in {current}", field="period"
        )


class _Table(StandardsTable):
    """The run's table with its lookups cached (a county has thousands of entitlements per
    village and one standard for them all)."""

    def __init__(self, table: StandardsTable) -> None:
        super().__init__(table)
        self.in_force = functools.cache(super().in_force)  # type: ignore[method-assign]


def _paid_fact(run: runtime.MonthlyRun, pid: uuid.UUID, e: Entitled, due: Due) -> PensionPaid:
    return PensionPaid(
        payment_id=str(pid),
        entitlement_id=e.entitlement_id,
        category=e.category,
        period=run.period,
        amount_fen=due.amount_fen,
        standard_id=due.standard_id,
        run_id=str(run.run_id),
        residence=e.residence,
        beneficiary=e.beneficiary,
    )


def _back_fact(run: runtime.MonthlyRun, e: Entitled, back: BackPayment) -> PensionBackPaid:
    months: list[OwedMonthData] = [
        {
            "period": str(m.period),
            "due_fen": m.due_fen,
            "paid_fen": m.paid_fen,
            "standard_id": m.standard_id,
        }
        for m in back.months
    ]
    return PensionBackPaid(
        payment_id=str(run.payment_id(backpay_case(e.entitlement_id, back.digest))),
        entitlement_id=e.entitlement_id,
        category=e.category,
        amount_fen=back.amount_fen,
        standard_id=back.months[-1].standard_id,
        months=months,
        run_id=str(run.run_id),
        residence=e.residence,
        beneficiary=e.beneficiary,
    )


async def _pay_months(
    run: runtime.MonthlyRun, roll: Sequence[Entitled], table: StandardsTable, county: str, period: Period
) -> None:
    stack = table.in_force(STACKING, county, period.first_day).value == 1
    people: dict[str, list[Entitled]] = defaultdict(list)
    for e in roll:
        people[e.person].append(e)
    for entitlements in people.values():
        bases: dict[str, Basis] = {}
        for e in entitlements:
            basis = e.basis_in(period)
            if basis is None:
                run.skip(NOT_PAYABLE)
            else:
                bases[e.entitlement_id] = basis
        if not bases:
            continue
        place = entitlements[0].residence
        paid, skipped = person_month(bases, table, place, period, stack=stack)
        for reason in skipped.values():
            run.skip(reason)
        for e in entitlements:
            due = paid.get(e.entitlement_id)
            if due is not None:
                pid = run.payment_id(e.entitlement_id)
                await run.pay(
                    e.entitlement_id,
                    _paid_fact(run, pid, e, due),
                    event_id=pid,
                    amount_fen=due.amount_fen,
                    jurisdiction=e.residence,
                )


async def _pay_back(
    run: runtime.MonthlyRun,
    roll: Sequence[Entitled],
    table: StandardsTable,
    paid: ledger_reads.PaidByEntitlement,
) -> None:
    for e in roll:
        months = paid.get(e.entitlement_id)
        if not months:
            continue
        back = owed(months, e.basis_in, table, e.residence)
        if back is None:
            continue
        case = backpay_case(e.entitlement_id, back.digest)
        await run.pay(
            case,
            _back_fact(run, e, back),
            event_id=run.payment_id(case),
            amount_fen=back.amount_fen,
            jurisdiction=e.residence,
        )


async def run_pensions(
    ctx: ServiceContext,
    actor: Actor,
    period: Period,
    *,
    roll: Sequence[Entitled] | None = None,
    batch: int = BATCH,
) -> PensionRun:
    """Pay every entitlement of the county for ``period``, and every back-payment owed, once;
    resumable, repeatable. 422 ``period_in_future`` (a month not begun) and
    ``no_standard_in_force`` (no stacking standard for the month) before anything is paid; 403
    ``outside_jurisdiction`` for a caller whose division is not the whole county."""
    if not actor.within(ctx.county):
        raise Forbidden(
            "outside_jurisdiction",
            f"the pension run covers the whole county {ctx.county}: this caller's division does not",
            field="period",
        )
    check_payable(period, ctx)
    async with paying(ctx.store):
        table: StandardsTable = _Table(await ctx.run(actor, standards_table))
        table.in_force(STACKING, ctx.county, period.first_day)  # refused before anything is paid
        if roll is None:
            roll = await roll_reads.roll(ctx)
        paid = await ledger_reads.paid_so_far(ctx, [e.entitlement_id for e in roll])
        builder = ctx.builder(actor)
        monthly = runtime.MonthlyRun(ctx.store, builder, namespace=NAMESPACE, period=period, batch=batch)
        await _pay_months(monthly, roll, table, ctx.county, period)
        back = runtime.MonthlyRun(
            ctx.store, builder, namespace=NAMESPACE, period=BACKPAY, run_id=monthly.run_id, batch=batch
        )
        await _pay_back(back, roll, table, paid)
        result = PensionRun(await monthly.finish(), await back.finish())
        summary = PensionRunCompleted(
            run_id=result.monthly.run_id,
            period=str(period),
            considered=result.monthly.considered,
            paid=result.monthly.paid,
            already_paid=result.monthly.already_paid,
            total_fen=result.monthly.total_fen,
            back_paid=result.back.paid,
            back_paid_fen=result.back.total_fen,
            skipped=dict(result.monthly.skipped),
        )

        async def record(uow: UnitOfWork) -> None:
            built = uow.builder.build([summary])
            await uow.append(run_stream(period), "pension_run", built, expected_version=ANY_VERSION)

        await ctx.run(actor, record)
        return result


__all__ = ["NOT_PAYABLE", "PensionRun", "check_payable", "run_pensions"]
