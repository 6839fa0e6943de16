"""The reports' units of work: a statistical return imported (stored with its flags) and the
elderly population posted; a repeat finds its first result (``created`` False)."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import within_county
from minzheng_eventstore.uow import UnitOfWork

from ...domain.reports import returns as r
from .streams import POPULATION, RETURN, population_stream, return_stream


async def import_return(
    ctx: ServiceContext,
    actor: Actor,
    *,
    return_id: str,
    jurisdiction: str,
    as_of: date,
    source: str,
    figures: dict[str, int],
) -> tuple[r.StatisticalReturnImported, bool]:
    """Import a return (报表导入): each total checked against its breakdown, a mismatch flagged."""
    within_county(ctx, jurisdiction, "jurisdiction")
    actor.require_within(jurisdiction, "jurisdiction")
    stream = return_stream(return_id)

    async def unit(uow: UnitOfWork) -> tuple[r.StatisticalReturnImported, bool]:
        state = await uow.load(RETURN, stream)
        facts = r.import_return(
            state, return_id=return_id, jurisdiction=jurisdiction, as_of=as_of, source=source, figures=figures
        )
        after = await uow.record(RETURN, stream, facts, jurisdiction=jurisdiction)
        assert after.imported is not None
        return after.imported, bool(facts)

    return await ctx.run(actor, unit)


async def post_population(
    ctx: ServiceContext, actor: Actor, *, township: str, effective_from: date, population: int, source: str
) -> tuple[r.ElderlyPopulationPosted, bool]:
    """Post a township's elderly population from a day (老年人口统计)."""
    within_county(ctx, township, "township")
    actor.require_within(township, "township")
    stream = population_stream(township)

    async def unit(uow: UnitOfWork) -> tuple[r.ElderlyPopulationPosted, bool]:
        state = await uow.load(POPULATION, stream)
        facts = r.post_population(
            state, township=township, effective_from=effective_from, population=population, source=source
        )
        await uow.record(POPULATION, stream, facts, jurisdiction=township)
        fact = (
            next(p for p in state.postings if p.effective_from == effective_from.isoformat())
            if not facts
            else facts[0]
        )
        assert isinstance(fact, r.ElderlyPopulationPosted)
        return fact, bool(facts)

    return await ctx.run(actor, unit)
