"""The centres' units of work: load the centre's stream, decide, append; a plan repeated with
the same id and body finds its first result (``created`` False)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import within_county
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.events import DomainEvent

from ...domain.centres import centre as c
from .streams import CENTRE, centre_stream


async def plan(
    ctx: ServiceContext, actor: Actor, *, centre_id: str, name: str, division: str, planned_on: date
) -> tuple[c.Centre, bool]:
    """Plan a centre (规划); ``(centre, created)``."""
    within_county(ctx, division, "division")
    actor.require_within(division, "division")
    stream = centre_stream(centre_id)

    async def unit(uow: UnitOfWork) -> tuple[c.Centre, bool]:
        state = await uow.load(CENTRE, stream)
        facts = c.plan(state, centre_id=centre_id, name=name, division=division, planned_on=planned_on)
        if not facts:
            return state, False
        return await uow.record(CENTRE, stream, facts, jurisdiction=division), True

    return await ctx.run(actor, unit)


Step = Callable[[c.Centre, date], list[DomainEvent]]


async def step(ctx: ServiceContext, actor: Actor, centre_id: str, decide: Step) -> c.Centre:
    """One step of a centre (built, accepted, operating): refused out of order, nothing written."""
    stream = centre_stream(centre_id)

    async def unit(uow: UnitOfWork) -> c.Centre:
        state = await uow.load(CENTRE, stream)
        if state.exists:
            actor.require_within(state.division, "centre_id")
        facts = decide(state, local_date(ctx.clock.now()))
        return await uow.record(CENTRE, stream, facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


async def build(ctx: ServiceContext, actor: Actor, centre_id: str, built_on: date) -> c.Centre:
    return await step(ctx, actor, centre_id, lambda st, today: c.build(st, built_on=built_on, today=today))


async def accept(ctx: ServiceContext, actor: Actor, centre_id: str, accepted_on: date) -> c.Centre:
    return await step(
        ctx, actor, centre_id, lambda st, today: c.accept(st, accepted_on=accepted_on, today=today)
    )


async def open_centre(ctx: ServiceContext, actor: Actor, centre_id: str, opened_on: date) -> c.Centre:
    return await step(
        ctx, actor, centre_id, lambda st, today: c.open_centre(st, opened_on=opened_on, today=today)
    )
