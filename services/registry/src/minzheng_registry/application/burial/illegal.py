"""Illegal burial cases (违规乱埋乱葬): opened by the township, ordered to rectify with a durable
deadline (``illegal-burial-rectification``, written in the order's unit, closed in the
resolution's), resolved or penalised."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import end_of_day, local_date
from minzheng_kernel.errors import DomainError, NotFound

from ...domain.burial import illegal as i
from ..configuration import standards_table, working_calendar
from .streams import ILLEGAL_BURIAL, RECTIFICATION, illegal_burial_stream


async def open_case(
    ctx: ServiceContext,
    actor: Actor,
    *,
    case_id: str,
    village: str,
    location: str,
    description: str,
    found_on: date,
) -> i.IllegalBurialCase:
    if len(village) != 12 or not village.startswith(ctx.county):
        raise DomainError(
            "outside_county", f"the village is a 12-digit code of {ctx.county}", field="village"
        )
    actor.require_within(village, "village")
    stream = illegal_burial_stream(case_id)

    async def unit(uow: UnitOfWork) -> i.IllegalBurialCase:
        state = await uow.load(ILLEGAL_BURIAL, stream)
        facts = i.open_case(
            state,
            case_id=case_id,
            village=village,
            location=location,
            description=description,
            found_on=found_on,
            today=local_date(ctx.clock.now()),
        )
        return await uow.record(ILLEGAL_BURIAL, stream, facts, jurisdiction=village)

    return await ctx.run(actor, unit)


async def _case(uow: UnitOfWork, actor: Actor, case_id: str) -> i.IllegalBurialCase:
    state = await uow.load(ILLEGAL_BURIAL, illegal_burial_stream(case_id))
    if state.case_id is None:
        raise NotFound("unknown_case", f"no illegal burial case {case_id}", field="case_id")
    actor.require_within(state.village, "case_id")
    return state


async def order_rectification(
    ctx: ServiceContext, actor: Actor, case_id: str, *, document: str
) -> i.IllegalBurialCase:
    stream = illegal_burial_stream(case_id)

    async def unit(uow: UnitOfWork) -> i.IllegalBurialCase:
        state = await _case(uow, actor, case_id)
        now = ctx.clock.now()
        calendar = await working_calendar(uow, state.village)
        facts = i.order(state, await standards_table(uow), calendar, on=local_date(now), document=document)
        after = await uow.record(ILLEGAL_BURIAL, stream, facts, jurisdiction=state.village)
        assert after.deadline is not None
        await deadlines.schedule(
            uow.conn,
            kind=RECTIFICATION,
            subject=stream,
            starts_at=now,
            due_at=end_of_day(date.fromisoformat(after.deadline)),
            jurisdiction=state.village,
        )
        return after

    return await ctx.run(actor, unit)


async def resolve_case(
    ctx: ServiceContext, actor: Actor, case_id: str, *, outcome: i.Outcome, note: str
) -> i.IllegalBurialCase:
    stream = illegal_burial_stream(case_id)

    async def unit(uow: UnitOfWork) -> i.IllegalBurialCase:
        state = await _case(uow, actor, case_id)
        now = ctx.clock.now()
        facts = i.resolve(state, outcome=outcome, on=local_date(now), note=note)
        await deadlines.close(uow.conn, RECTIFICATION, stream, at=now)
        return await uow.record(ILLEGAL_BURIAL, stream, facts, jurisdiction=state.village)

    return await ctx.run(actor, unit)
