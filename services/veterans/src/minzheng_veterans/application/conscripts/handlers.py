"""The conscript allowance's units of work (义务兵家庭优待金): enlistment (one per person: guard
table ``veterans_conscripts``), merits with their supplement paid in the same unit, the end of
service, and the allowance run of a period over the kit's exactly-once ``MonthlyRun``.

The run of a period pays each conscript of the county whose service year has that period as its
pay period (fixed at enlistment), once: the payment is the first and only event of the stream
``payment-<conscript>-<period>`` (stream type ``conscript-payment``) with a deterministic id, so a
repeated, resumed or concurrent run pays nobody twice. A supplement is paid once per conscript,
service year and merit (``payment-<conscript>-<merit>-<period>``)."""

from __future__ import annotations

from datetime import date

from minzheng_contracts import Period, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.payments import RunResult
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.standards import StandardsTable

from ...domain.conscripts import conscript as c
from ..configuration import standards_table
from ..pensions.lock import hold_payments, paying
from .queries import allowances
from .streams import CONSCRIPT, NAMESPACE, PAYMENT_TYPE, conscript_stream, supplement_case

PERSON_PURPOSE = "veterans-conscript"
"""Of the pseudonym naming a conscript in the guard table (never the resident ID)."""


def in_county(ctx: ServiceContext, actor: Actor, code: str, field: str) -> None:
    if not code.startswith(ctx.county):
        raise DomainError("outside_county", f"{code} is not within county {ctx.county}", field=field)
    actor.require_within(code, field)


async def enlist(
    ctx: ServiceContext,
    actor: Actor,
    *,
    conscript_id: str,
    resident_id: ResidentId,
    county: str,
    enlisted_on: date,
) -> c.Conscript:
    """Record an enlistment (入伍) in the division of enlistment; 409 ``already_enlisted`` for a
    person enlisted before (under another id)."""
    in_county(ctx, actor, county, "county")
    token = ctx.pseudonyms.token(PERSON_PURPOSE, resident_id.reveal())
    stream = conscript_stream(conscript_id)

    async def unit(uow: UnitOfWork) -> c.Conscript:
        today = local_date(ctx.clock.now())
        state = await uow.load(CONSCRIPT, stream)
        facts = c.enlist(
            state,
            await standards_table(uow),
            conscript_id=conscript_id,
            resident_id=resident_id.reveal(),
            county=county,
            enlisted_on=enlisted_on,
            today=today,
        )
        taken = await uow.conn.fetchval(
            "INSERT INTO veterans_conscripts (person_token, conscript_id) VALUES ($1, $2) "
            "ON CONFLICT (person_token) DO NOTHING RETURNING conscript_id",
            token,
            conscript_id,
        )
        if taken is None:
            raise Conflict(
                "already_enlisted", "this person is enlisted as a conscript already", field="resident_id"
            )
        return await uow.record(CONSCRIPT, stream, facts, jurisdiction=county)

    return await ctx.run(actor, unit)


async def _existing(uow: UnitOfWork, ctx: ServiceContext, actor: Actor, conscript_id: str) -> c.Conscript:
    state = await uow.load(CONSCRIPT, conscript_stream(conscript_id))
    if state.conscript_id is not None:
        actor.require_within(state.county, "conscript_id")
    return state


def _supplement(state: c.Conscript, due: c.Supplement, payment_id: str) -> c.ConscriptAllowancePaid:
    assert state.conscript_id is not None
    return c.ConscriptAllowancePaid(
        payment_id=payment_id,
        conscript_id=state.conscript_id,
        resident_id=state.resident_id,
        county=state.county,
        service_year=due.service_year,
        period=due.period,
        kind=c.AllowanceKind.MERIT_SUPPLEMENT.value,
        amount_fen=due.amount_fen,
        standard_id=due.pct_standard.standard_id,
        base_fen=due.base.value,
        base_standard_id=due.base.standard_id,
        merit=due.merit.value,
    )


async def record_merit(
    ctx: ServiceContext,
    actor: Actor,
    conscript_id: str,
    *,
    merit: c.Merit,
    awarded_on: date,
    document: str,
) -> tuple[c.Conscript, c.ConscriptAllowancePaid | None]:
    """Record a merit; its supplement (the difference over the year's highest) is paid in the same
    unit, once per conscript, service year and merit."""

    async def unit(uow: UnitOfWork) -> tuple[c.Conscript, c.ConscriptAllowancePaid | None]:
        state = await _existing(uow, ctx, actor, conscript_id)
        facts, due = c.record_merit(
            state,
            await standards_table(uow),
            merit=merit,
            awarded_on=awarded_on,
            document=document,
            today=local_date(ctx.clock.now()),
        )
        after = await uow.record(CONSCRIPT, conscript_stream(conscript_id), facts, jurisdiction=state.county)
        if due is None:
            return after, None
        case = supplement_case(conscript_id, merit.value)
        pid = runtime.payment_id(NAMESPACE, case, due.period)
        paid = _supplement(state, due, str(pid))
        await runtime.pay_once(
            ctx.store,
            uow.builder,
            case=case,
            period=due.period,
            fact=paid,
            event_id=pid,
            jurisdiction=state.county,
            stream_type=PAYMENT_TYPE,
            conn=uow.conn,
        )
        return after, paid

    return await ctx.run(actor, unit)


async def end_service(
    ctx: ServiceContext, actor: Actor, conscript_id: str, *, reason: c.EndReason, ended_on: date
) -> c.Conscript:
    """Promotion to 军士 or officer, or discharge: the allowance stops for the years not begun."""

    async def unit(uow: UnitOfWork) -> c.Conscript:
        await hold_payments(uow.conn)  # a run under way pays first; the end then sees its payments
        state = await _existing(uow, ctx, actor, conscript_id)
        paid = frozenset(
            p.service_year
            for p in await allowances(ctx.store, conscript_id, conn=uow.conn)
            if p.kind == c.AllowanceKind.BASE
        )
        facts = c.end_service(
            state, reason=reason, ended_on=ended_on, today=local_date(ctx.clock.now()), paid_years=paid
        )
        return await uow.record(CONSCRIPT, conscript_stream(conscript_id), facts, jurisdiction=state.county)

    return await ctx.run(actor, unit)


async def run_allowances(ctx: ServiceContext, actor: Actor, period: Period) -> RunResult:
    """Pay the service years whose pay period is ``period``, for every conscript enlisted in the
    county, once. A period not begun is refused (422 ``period_in_future``); the caller's division
    is the county (403 otherwise)."""
    actor.require_within(ctx.county, "period")
    today = local_date(ctx.clock.now())
    if period.first_day > today:
        raise DomainError("period_in_future", f"{period} has not begun", field="period")
    table = await ctx.run(actor, standards_table)
    async with paying(ctx.store):
        return await _pay(ctx, actor, period, table, today)


async def _pay(
    ctx: ServiceContext, actor: Actor, period: Period, table: StandardsTable, today: date
) -> RunResult:
    run = runtime.MonthlyRun(
        ctx.store, ctx.builder(actor), namespace=NAMESPACE, period=period, stream_type=PAYMENT_TYPE
    )
    for stream in await ctx.store.stream_ids("conscript-", stream_type=CONSCRIPT.stream_type):
        state = CONSCRIPT.fold(await ctx.store.read_stream(stream))
        if state.conscript_id is None or not state.county.startswith(ctx.county):
            continue
        due = c.allowance_due(state, period, today=today)
        if due.service_year is None:
            run.skip(due.reason or "not_due")
            continue
        standard = c.allowance_standard(table, state, period)
        pid = run.payment_id(state.conscript_id)
        fact = c.ConscriptAllowancePaid(
            payment_id=str(pid),
            conscript_id=state.conscript_id,
            resident_id=state.resident_id,
            county=state.county,
            service_year=due.service_year,
            period=str(period),
            kind=c.AllowanceKind.BASE.value,
            amount_fen=standard.value,
            standard_id=standard.standard_id,
            base_fen=standard.value,
            base_standard_id=standard.standard_id,
            run_id=run.result.run_id,
        )
        await run.pay(
            state.conscript_id, fact, event_id=pid, amount_fen=standard.value, jurisdiction=state.county
        )
    return await run.finish()
