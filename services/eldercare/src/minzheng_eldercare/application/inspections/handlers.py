"""The inspections area's units of work: each loads the institution's oversight stream, decides,
writes its guard rows (the ``institution_standing`` row, the id lookups, the order's durable
deadline) and appends, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import CHINA, end_of_day, local_date
from minzheng_kernel.events import DomainEvent

from ...domain.inspections import decisions as d
from ...domain.inspections.oversight import Oversight
from ..configuration import standards_table
from . import standing as g
from .streams import OVERSIGHT, RECTIFICATION, order_subject, oversight_stream


async def inspect(
    ctx: ServiceContext,
    actor: Actor,
    *,
    inspection_id: str,
    institution_id: str,
    inspected_on: date,
    inspector: str,
    findings: list[d.Finding],
) -> Oversight:
    """An inspection with its findings; 404 for an institution without its standing row."""
    stream = oversight_stream(institution_id)

    async def unit(uow: UnitOfWork) -> Oversight:
        row = await g.standing(uow.conn, institution_id)
        actor.require_within(row.township, "institution_id")
        state = await uow.load(OVERSIGHT, stream)
        facts = d.inspect(
            state,
            inspection_id=inspection_id,
            institution_id=institution_id,
            township=row.township,
            inspected_on=inspected_on,
            inspector=inspector,
            findings=findings,
            today=local_date(ctx.clock.now()),
            kind=row.kind,
        )
        await g.claim(uow.conn, g.INSPECTIONS, inspection_id, institution_id, "inspection_id")
        return await uow.record(OVERSIGHT, stream, facts, jurisdiction=row.township)

    return await ctx.run(actor, unit)


def warn_moment(at_risk_on: date) -> datetime:
    """At risk from 00:00 +08:00 of its day."""
    return end_of_day(at_risk_on - timedelta(days=1))


async def order(ctx: ServiceContext, actor: Actor, *, inspection_id: str, order_id: str) -> Oversight:
    """A rectification order over an inspection's findings, its deadline scheduled in the unit."""

    async def unit(uow: UnitOfWork) -> Oversight:
        now = ctx.clock.now()
        institution_id = await g.institution_of(uow.conn, g.INSPECTIONS, inspection_id, "inspection_id")
        stream = oversight_stream(institution_id)
        state = await uow.load(OVERSIGHT, stream)
        actor.require_within(state.township, "inspection_id")
        table = await standards_table(uow)
        facts = d.order(state, table, inspection_id=inspection_id, order_id=order_id, today=local_date(now))
        if not facts:  # the same order again
            return state
        await g.claim(uow.conn, g.ORDERS, order_id, institution_id, "order_id")
        after = await uow.record(OVERSIGHT, stream, facts, jurisdiction=state.township)
        placed = after.orders[order_id]
        due = end_of_day(placed.deadline)
        await deadlines.schedule(
            uow.conn,
            kind=RECTIFICATION,
            subject=order_subject(order_id),
            due_at=due,
            warn_at=min(max(warn_moment(placed.at_risk_on), now), due),
            starts_at=now,
            jurisdiction=state.township,
        )
        return after

    return await ctx.run(actor, unit)


async def _escalating(
    ctx: ServiceContext,
    actor: Actor,
    institution_id: str,
    decide: Callable[[Oversight, datetime], list[DomainEvent]],
    *,
    completes: str | None = None,
) -> Oversight:
    """Lock the standing row, load, decide, change the row as the facts say, append (and, when the
    facts complete the order ``completes``, close its deadline). Locks are taken in the
    scheduler's order (the order's deadline row, then the standing row), so a re-inspection and
    the deadline's scheduler never deadlock: one waits for the other, which then sees its result."""
    stream = oversight_stream(institution_id)

    async def unit(uow: UnitOfWork) -> Oversight:
        now = ctx.clock.now()
        if completes is not None:  # the scheduler's order: the deadline row first, then the standing row
            await deadlines.lock(uow.conn, RECTIFICATION, order_subject(completes))
        row = await g.standing(uow.conn, institution_id, lock=True)
        actor.require_within(row.township, "institution_id")
        state = await uow.load(OVERSIGHT, stream)
        facts = decide(state, now)
        await g.apply(uow.conn, institution_id, facts)
        after = await uow.record(OVERSIGHT, stream, facts, jurisdiction=row.township)
        if completes is not None and after.orders[completes].completed_on is not None:
            await deadlines.close(uow.conn, RECTIFICATION, order_subject(completes), at=now)
        return after

    return await ctx.run(actor, unit)


async def reinspect(
    ctx: ServiceContext,
    actor: Actor,
    *,
    order_id: str,
    reinspected_on: date,
    inspector: str,
    verdicts: dict[str, bool],
) -> Oversight:
    """A re-inspection of an order's findings; the last one fixed completes the order."""
    async with ctx.store.pool.acquire() as conn:
        institution_id = await g.institution_of(conn, g.ORDERS, order_id, "order_id")
    return await _escalating(
        ctx,
        actor,
        institution_id,
        lambda st, now: d.reinspect(
            st,
            order_id=order_id,
            reinspected_on=reinspected_on,
            inspector=inspector,
            verdicts=verdicts,
            today=local_date(now),
            at=now.astimezone(CHINA),
        ),
        completes=order_id,
    )


async def suspend(
    ctx: ServiceContext, actor: Actor, *, institution_id: str, order_id: str, reason: str
) -> Oversight:
    return await _escalating(
        ctx,
        actor,
        institution_id,
        lambda st, now: d.suspend(st, order_id=order_id, reason=reason, at=now.astimezone(CHINA)),
    )


async def close(ctx: ServiceContext, actor: Actor, *, institution_id: str, reason: str) -> Oversight:
    return await _escalating(
        ctx,
        actor,
        institution_id,
        lambda st, now: d.close(st, reason=reason, today=local_date(now), at=now.astimezone(CHINA)),
    )
