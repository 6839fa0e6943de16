"""The discharged soldiers' units of work (退役士兵接收安置): reception schedules the durable
reporting deadline in its own transaction (kind ``placement-report``, due at 00:00 +08:00 after
the last day); the report closes it; the rest load the soldier's stream, decide and append.
One reception per person (guard table ``veterans_soldiers``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import end_of_day, local_date
from minzheng_kernel.errors import Conflict
from minzheng_kernel.events import DomainEvent

from ...domain.placement import soldier as s
from ...domain.placement.eligibility import ServiceRecord
from ..configuration import standards_table
from ..conscripts.handlers import in_county
from .streams import REPORTING, SOLDIER, soldier_stream

PERSON_PURPOSE = "veterans-soldier"


async def receive(
    ctx: ServiceContext,
    actor: Actor,
    *,
    soldier_id: str,
    resident_id: ResidentId,
    residence: str,
    record: ServiceRecord,
    household: s.Household,
    discharge_approved_on: date,
) -> s.Soldier:
    """Receive a discharged soldier (接收); the reporting deadline is scheduled in the unit."""
    in_county(ctx, actor, residence, "residence")
    token = ctx.pseudonyms.token(PERSON_PURPOSE, resident_id.reveal())
    stream = soldier_stream(soldier_id)

    async def unit(uow: UnitOfWork) -> s.Soldier:
        now = ctx.clock.now()
        state = await uow.load(SOLDIER, stream)
        facts = s.receive(
            state,
            await standards_table(uow),
            await deadlines.load_calendar(uow.conn, residence),
            soldier_id=soldier_id,
            resident_id=resident_id.reveal(),
            residence=residence,
            record=record,
            household=household,
            discharge_approved_on=discharge_approved_on,
            today=local_date(now),
        )
        taken = await uow.conn.fetchval(
            "INSERT INTO veterans_soldiers (person_token, soldier_id) VALUES ($1, $2) "
            "ON CONFLICT (person_token) DO NOTHING RETURNING soldier_id",
            token,
            soldier_id,
        )
        if taken is None:
            raise Conflict("already_received", "this person is received already", field="resident_id")
        after = await uow.record(SOLDIER, stream, facts, jurisdiction=residence)
        assert after.report_deadline is not None
        await deadlines.schedule(
            uow.conn,
            kind=REPORTING,
            subject=stream,
            due_at=end_of_day(after.report_deadline),
            starts_at=min(now, end_of_day(after.report_deadline)),
            jurisdiction=residence,
        )
        return after

    return await ctx.run(actor, unit)


async def _decide(
    ctx: ServiceContext,
    actor: Actor,
    soldier_id: str,
    decide: Callable[[s.Soldier, date], list[DomainEvent]],
    *,
    closes_deadline: bool = False,
) -> s.Soldier:
    """Load the soldier, check the caller's division, decide, append (and close the deadline)."""
    stream = soldier_stream(soldier_id)

    async def unit(uow: UnitOfWork) -> s.Soldier:
        now = ctx.clock.now()
        state = await uow.load(SOLDIER, stream)
        if state.soldier_id is not None:
            actor.require_within(state.residence, "soldier_id")
        facts = decide(state, local_date(now))
        if closes_deadline:
            await deadlines.close(uow.conn, REPORTING, stream, at=now)
        return await uow.record(SOLDIER, stream, facts, jurisdiction=state.residence)

    return await ctx.run(actor, unit)


async def report(
    ctx: ServiceContext, actor: Actor, soldier_id: str, *, reported_on: date, justification: str | None
) -> s.Soldier:
    return await _decide(
        ctx,
        actor,
        soldier_id,
        lambda st, today: s.report(st, reported_on=reported_on, justification=justification, today=today),
        closes_deadline=True,
    )


async def waive(ctx: ServiceContext, actor: Actor, soldier_id: str, *, reason: str) -> s.Soldier:
    return await _decide(ctx, actor, soldier_id, lambda st, today: s.waive(st, reason=reason, today=today))


async def decide_placement(ctx: ServiceContext, actor: Actor, soldier_id: str, *, mode: s.Mode) -> s.Soldier:
    stream = soldier_stream(soldier_id)

    async def unit(uow: UnitOfWork) -> s.Soldier:
        state = await uow.load(SOLDIER, stream)
        if state.soldier_id is not None:
            actor.require_within(state.residence, "soldier_id")
        table = await standards_table(uow)
        facts = s.decide_placement(state, table, mode=mode, today=local_date(ctx.clock.now()))
        return await uow.record(SOLDIER, stream, facts, jurisdiction=state.residence)

    return await ctx.run(actor, unit)


async def complete_step(ctx: ServiceContext, actor: Actor, soldier_id: str, *, step: s.Step) -> s.Soldier:
    return await _decide(
        ctx, actor, soldier_id, lambda st, today: s.complete_step(st, step=step, today=today)
    )


async def choose_post(
    ctx: ServiceContext, actor: Actor, soldier_id: str, *, employer: str, post: str
) -> s.Soldier:
    return await _decide(
        ctx, actor, soldier_id, lambda st, today: s.choose_post(st, employer=employer, post=post, today=today)
    )


async def enrol(ctx: ServiceContext, actor: Actor, soldier_id: str, *, course: s.Course) -> s.Soldier:
    return await _decide(ctx, actor, soldier_id, lambda st, today: s.enrol(st, course=course, today=today))
