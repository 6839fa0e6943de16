"""The county's divisions: record, rename, abolish, restate (each a unit on ``divisions-<county>``),
and the read of the list."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor, Aggregate, StreamNotFoundError
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork

from ...domain.places import divisions as d
from . import locks

DIVISIONS = Aggregate("divisions", d.DIVISION_EVENTS, d.initial, d.evolve)


def divisions_stream(county: str) -> str:
    return f"divisions-{county}"


async def load(uow: UnitOfWork, county: str) -> d.Divisions:
    """The county's divisions to change them (the exclusive lock: readers finish first)."""
    await locks.exclusive(uow, divisions_stream(county))
    return await uow.load(DIVISIONS, divisions_stream(county))


async def read(uow: UnitOfWork, county: str) -> d.Divisions:
    """The county's divisions to decide on, not changed by another unit until this one commits."""
    await locks.share(uow, divisions_stream(county))
    return await uow.load(DIVISIONS, divisions_stream(county))


async def current(ctx: ServiceContext) -> d.Divisions:
    """The county's divisions as committed (for queries)."""
    stream = divisions_stream(ctx.county)
    try:
        events = await ctx.store.read_stream(stream)
    except StreamNotFoundError:  # no division recorded yet
        return d.initial()
    return DIVISIONS.fold(events)


async def establish(
    ctx: ServiceContext, actor: Actor, *, code: str, name: str, valid_from: date
) -> d.Division:
    actor.require_within(code, "code")

    async def unit(uow: UnitOfWork) -> d.Division:
        state = await load(uow, ctx.county)
        facts = d.establish(state, county=ctx.county, code=code, name=name, valid_from=valid_from)
        after = await uow.record(DIVISIONS, divisions_stream(ctx.county), facts, jurisdiction=code)
        return after.by_code[code]

    return await ctx.run(actor, unit)


async def rename(ctx: ServiceContext, actor: Actor, *, code: str, name: str, on: date) -> d.Division:
    actor.require_within(code, "code")

    async def unit(uow: UnitOfWork) -> d.Division:
        state = await load(uow, ctx.county)
        facts = d.rename(state, code=code, name=name, on=on)
        after = await uow.record(DIVISIONS, divisions_stream(ctx.county), facts, jurisdiction=code)
        return after.by_code[code]

    return await ctx.run(actor, unit)


async def abolish(ctx: ServiceContext, actor: Actor, *, code: str, valid_to: date) -> d.Division:
    actor.require_within(code, "code")

    async def unit(uow: UnitOfWork) -> d.Division:
        state = await load(uow, ctx.county)
        facts = d.abolish(state, code=code, valid_to=valid_to)
        after = await uow.record(DIVISIONS, divisions_stream(ctx.county), facts, jurisdiction=code)
        return after.by_code[code]

    return await ctx.run(actor, unit)


async def republish(ctx: ServiceContext, actor: Actor) -> int:
    """State every division again (each published as ``DivisionRecorded``); the count."""

    async def unit(uow: UnitOfWork) -> int:
        state = await load(uow, ctx.county)
        facts = d.restate(state)
        await uow.record(DIVISIONS, divisions_stream(ctx.county), facts)
        return len(facts)

    return await ctx.run(actor, unit)
