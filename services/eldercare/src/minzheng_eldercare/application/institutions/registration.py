"""Registration (备案) and beds: the institution's stream and, in the same unit, its guard rows
(the ``institution_standing`` row: kind, township, not suspended, not closed; the beds row)."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import within_county
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date

from ...domain.institutions import institution as i
from . import guards
from .streams import INSTITUTION, institution_stream


async def register(
    ctx: ServiceContext,
    actor: Actor,
    *,
    institution_id: str,
    name: str,
    kind: i.Kind,
    township: str,
    beds: int,
    model: i.OperatingModel,
    registered_on: date,
) -> i.Institution:
    within_county(ctx, township, "township")
    actor.require_within(township, "township")
    stream = institution_stream(institution_id)

    async def unit(uow: UnitOfWork) -> i.Institution:
        now = ctx.clock.now()
        state = await uow.load(INSTITUTION, stream)
        facts = i.register(
            state,
            institution_id=institution_id,
            name=name,
            kind=kind,
            township=township,
            beds=beds,
            model=model,
            registered_on=registered_on,
            today=local_date(now),
        )
        if not facts:  # the same registration re-sent: its original result
            return state
        await guards.insert_institution(
            uow.conn, institution_id=institution_id, kind=kind.value, township=township, beds=beds, since=now
        )
        return await uow.record(INSTITUTION, stream, facts, jurisdiction=township)

    return await ctx.run(actor, unit)


async def change_beds(
    ctx: ServiceContext, actor: Actor, institution_id: str, *, change: int, on: date
) -> tuple[i.Institution, int]:
    """Beds added or removed; with the occupied beds (the row locked: admissions wait)."""
    stream = institution_stream(institution_id)

    async def unit(uow: UnitOfWork) -> tuple[i.Institution, int]:
        state = (await uow.load(INSTITUTION, stream)).exists()
        actor.require_within(state.township, "institution_id")
        occupied = await guards.occupied_for_update(uow.conn, institution_id)
        facts = i.change_beds(
            state, change=change, occupied=occupied, on=on, today=local_date(ctx.clock.now())
        )
        after = await uow.record(INSTITUTION, stream, facts, jurisdiction=state.township)
        await guards.set_beds(uow.conn, institution_id, after.beds)
        return after, occupied

    return await ctx.run(actor, unit)
