"""Monthly payments (按月发放): the run over every active case, and one back payment.

The run is the runtime's exactly-once ``MonthlyRun`` (``minzheng_eventstore.payments``): one
``PaymentIssued`` per case and month, the first event of the stream ``payment-<case>-<YYYY-MM>``,
its id ``uuid5(NAMESPACE, f"payment/{case}/{period}")``. The cases come from the read model, brought
up to date first; the amount of each month comes from the case's basis and the standard in force
in that month, and the payment names that standard. A 低保 payment names the household, a 特困
payment the person (``beneficiary``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore import ANY_VERSION, Actor, jsoncodec
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import Conflict
from minzheng_eventstore.payments import BATCH, RunResult
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.uow import UnitOfWork

from ..domain import events as ev
from ..domain.amounts import monthly_amount
from ..domain.household import Basis
from ..domain.other_aid import MODE_PARAMETER, ModeFrom, SupportMode, mode_in
from ..domain.periods import check_payable, county_today, latest_payable
from ..domain.standards import Parameter, Standard, StandardsTable
from .guards import paying, standards_table
from .handlers import household
from .jurisdiction import require_county
from .streams import NAMESPACE

__all__ = ["RunResult", "pay_household", "payment_id", "run_payments"]

_period = functools.lru_cache(maxsize=1024)(Period.parse)
_PARAMETERS = {"urban": Parameter.DIBAO_URBAN, "rural": Parameter.DIBAO_RURAL}


def payment_id(case: uuid.UUID, period: Period) -> uuid.UUID:
    """The one id of the payment for a case and a month: paying twice is impossible by construction."""
    return runtime.payment_id(NAMESPACE, case, period)


def _payment(
    pid: uuid.UUID,
    case: uuid.UUID,
    programme: str,
    period: str,
    amount: int,
    standard: Standard,
    residence: str,
    run_id: uuid.UUID | None,
    *,
    household: bool,
    beneficiary: str | None,
) -> ev.PaymentIssued:
    return ev.PaymentIssued(
        payment_id=str(pid),
        programme=programme,
        household_id=str(case) if household else None,
        case_id=str(case),
        period=period,
        amount_fen=amount,
        standard_id=standard.standard_id,
        run_id=str(run_id) if run_id else None,
        residence=residence,
        beneficiary=beneficiary,
    )


def _basis_for(bases: list[dict[str, Any]], period: Period) -> Basis | None:
    current = [
        Basis(_period(str(b["effective_from"])), int(b["members"]), int(b["per_capita_income_fen"]))
        for b in bases
        if _period(str(b["effective_from"])) <= period
    ]
    return max(current, key=lambda b: b.effective_from) if current else None


def _mode_in(modes: str | None, mode: str, period: Period) -> SupportMode:
    """A 特困 case's mode in ``period`` from its read-model row (``modes``: the timeline, once the
    mode changed from a month on)."""
    if modes is None:
        return SupportMode(mode)
    timeline = [
        ModeFrom(None if m["from"] is None else _period(m["from"]), SupportMode(m["mode"]))
        for m in jsoncodec.loads(modes)
    ]
    return mode_in(timeline, period, SupportMode(mode))


def latest_period(ctx: ServiceContext, table: StandardsTable) -> Period:
    """The last month payable now (``domain.periods``): the county's current month plus the lead
    time in force for the county (``payment_lead_months``, 0 when none is set)."""
    today = county_today(ctx.clock.now())
    return latest_payable(today, table.value_or(Parameter.PAYMENT_LEAD_MONTHS, ctx.county, today, 0))


def _lookup(table: StandardsTable, period: Period) -> Callable[[Parameter, str], Standard]:
    # one lookup per (parameter, place) in a run, not per case: a county has thousands of cases
    # per village and one standard for them all
    @functools.cache
    def in_force(parameter: Parameter, place: str) -> Standard:
        return table.in_force(parameter, place, period.first_day)

    return in_force


async def run_payments(
    ctx: ServiceContext,
    actor: Actor,
    period: Period,
    *,
    projection: Projection | None = None,
    batch: int = BATCH,
) -> RunResult:
    """Pay every active case for ``period``, once; resumable, repeatable. A month that has not
    begun (beyond the lead time) is refused (``period_in_future``) before anything is paid. The run
    pays the whole county: a caller whose division is smaller is refused (403)."""
    require_county(actor, ctx.county, "period", f"the payment run for {period}")
    async with ctx.store.pool.acquire() as conn:
        table = await standards_table(conn)
    check_payable(period, latest=latest_period(ctx, table))
    # a death taken in meanwhile waits for the run, or the run sees it (guards.PAYMENTS_LOCK)
    async with paying(ctx.store):
        if projection is not None:
            await projection.catch_up()
        async with ctx.store.pool.acquire() as conn:
            in_force = _lookup(table, period)
            # a case terminated from a later month is still paid for this one (a death: its month)
            households = await conn.fetch(
                "SELECT household_id, programme, category, residence, bases::text AS bases FROM households "
                "WHERE status = 'active' OR (status = 'terminated' AND ends_from > $1)",
                str(period),
            )
            tekun = await conn.fetch(
                "SELECT case_id, person, residence, mode, modes::text AS modes FROM tekun_cases "
                "WHERE active OR ends_from > $1",
                str(period),
            )
        run = runtime.MonthlyRun(
            ctx.store, ctx.builder(actor), namespace=NAMESPACE, period=period, batch=batch
        )
        key = run.period
        for row in households:
            basis = _basis_for(jsoncodec.loads(row["bases"]), period)
            if basis is None:
                run.skip("not_yet_effective")
                continue
            standard = in_force(_PARAMETERS[row["category"]], row["residence"])
            amount = monthly_amount(standard.value, basis.per_capita_income_fen, basis.members)
            if amount <= 0:
                run.skip("nothing_due")
                continue
            case: uuid.UUID = row["household_id"]
            pid = run.payment_id(case)
            fact = _payment(
                pid,
                case,
                row["programme"],
                key,
                amount,
                standard,
                row["residence"],
                run.run_id,
                household=True,
                beneficiary=None,
            )
            await run.pay(case, fact, event_id=pid, amount_fen=amount, jurisdiction=row["residence"])
        for row in tekun:
            standard = in_force(MODE_PARAMETER[_mode_in(row["modes"], row["mode"], period)], row["residence"])
            case = row["case_id"]
            pid = run.payment_id(case)
            fact = _payment(
                pid,
                case,
                "tekun",
                key,
                standard.value,
                standard,
                row["residence"],
                run.run_id,
                household=False,
                beneficiary=row["person"],
            )
            await run.pay(case, fact, event_id=pid, amount_fen=standard.value, jurisdiction=row["residence"])
        result = await run.finish()
        summary = ev.PaymentRunCompleted(
            result.run_id,
            result.period,
            result.considered,
            result.paid,
            result.already_paid,
            result.total_fen,
            dict(result.skipped),
        )

        async def record(uow: UnitOfWork) -> None:
            built = uow.builder.build([summary])
            await uow.append(f"payment-run-{period}", "payment_run", built, expected_version=ANY_VERSION)

        await ctx.run(actor, record)
        return result


async def pay_household(
    ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, period: Period
) -> dict[str, Any]:
    """Pay one household for one month (a back payment, or a month the run missed): not a month
    that has not begun (``period_in_future``), nor one before the approval took effect
    (``period_before_approval``)."""
    async with ctx.store.pool.acquire() as conn:
        table = await standards_table(conn)
    latest = latest_period(ctx, table)
    check_payable(period, latest=latest)
    async with paying(ctx.store):
        return await _pay_household(ctx, actor, household_id, period, table, latest)


async def _pay_household(
    ctx: ServiceContext,
    actor: Actor,
    household_id: uuid.UUID,
    period: Period,
    table: StandardsTable,
    latest: Period,
) -> dict[str, Any]:
    state = await household(ctx, household_id, actor)
    if not state.payable_in(period):
        raise Conflict(
            "not_payable",
            f"the household is {state.status.value}: it is not paid for {period}",
            field="household_id",
        )
    approved_from = min((b.effective_from for b in state.bases), default=None)
    check_payable(period, latest=latest, approved_from=approved_from)
    due = state.amount_for(period, table)
    if due is None or due[0] <= 0:
        raise Conflict("nothing_due", f"nothing is due for {period}", field="period")
    amount, standard = due
    pid = payment_id(household_id, period)
    fact = _payment(
        pid,
        household_id,
        state.programme,
        str(period),
        amount,
        standard,
        state.residence,
        None,
        household=True,
        beneficiary=None,
    )
    created = await runtime.pay_once(
        ctx.store,
        ctx.builder(actor),
        case=household_id,
        period=period,
        fact=fact,
        event_id=pid,
        jurisdiction=state.residence,
    )
    return {"payment_id": str(pid), "amount_fen": amount, "already_paid": not created}
