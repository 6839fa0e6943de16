"""Cemeteries and plots (公墓, 墓穴): the units of work. Each is load → decide → guard → append in
one transaction (``ctx.run``); the plot position and the person's one grave are guarded by
``registry_burial_positions`` in the unit that records ``PlotAssigned``, and the use period's
end is a durable deadline written in the same unit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import end_of_day, local_date
from minzheng_kernel.errors import Conflict, NotFound

from ...domain.burial import cemetery as c
from ...domain.burial import plot as pl
from ..configuration import standards_table
from ..people import person_token, registered_death
from . import guards
from .streams import CEMETERY, PLOT, PLOT_USE, cemetery_stream, plot_stream, plot_use_subject


def _use_ends(use_until: str) -> datetime:
    """The deadline: 00:00 +08:00 of ``use_until`` (the period's last day is the day before)."""
    return end_of_day(date.fromisoformat(use_until) - timedelta(days=1))


async def _schedule_use_end(
    uow: UnitOfWork,
    cemetery_id: str,
    plot: str,
    position: int,
    period: int,
    use_until: str,
    now: datetime,
    jurisdiction: str,
) -> None:
    """The durable deadline of one use period of a position, in the unit's transaction."""
    await deadlines.schedule(
        uow.conn,
        kind=PLOT_USE,
        subject=plot_use_subject(cemetery_id, plot, position, period),
        starts_at=now,
        due_at=_use_ends(use_until),
        jurisdiction=jurisdiction,
    )


async def approve_cemetery(
    ctx: ServiceContext,
    actor: Actor,
    *,
    cemetery_id: str,
    name: str,
    kind: c.CemeteryKind,
    location: str,
    villages: list[str],
    document: str,
) -> c.Cemetery:
    actor.require_within(location, "location")
    stream = cemetery_stream(cemetery_id)

    async def unit(uow: UnitOfWork) -> c.Cemetery:
        state = await uow.load(CEMETERY, stream)
        facts = c.approve(
            state,
            cemetery_id=cemetery_id,
            name=name,
            kind=kind,
            location=location,
            villages=villages,
            county=ctx.county,
            approved_on=local_date(ctx.clock.now()),
            document=document,
        )
        return await uow.record(CEMETERY, stream, facts, jurisdiction=location)

    return await ctx.run(actor, unit)


async def _cemetery(uow: UnitOfWork, actor: Actor, cemetery_id: str) -> c.Cemetery:
    state = await uow.load(CEMETERY, cemetery_stream(cemetery_id))
    if not state.exists:
        raise NotFound("unknown_cemetery", f"no cemetery {cemetery_id}", field="cemetery_id")
    actor.require_within(state.location, "cemetery_id")
    return state


async def create_plots(
    ctx: ServiceContext,
    actor: Actor,
    cemetery_id: str,
    *,
    section: str,
    first: int,
    count: int,
    plot_type: c.PlotType,
    area_dm2: int,
    positions: int,
) -> c.Cemetery:
    stream = cemetery_stream(cemetery_id)

    async def unit(uow: UnitOfWork) -> c.Cemetery:
        state = await _cemetery(uow, actor, cemetery_id)
        facts = c.create_plots(
            state,
            await standards_table(uow),
            section=section,
            first=first,
            count=count,
            plot_type=plot_type,
            area_dm2=area_dm2,
            positions=positions,
            on=local_date(ctx.clock.now()),
        )
        return await uow.record(CEMETERY, stream, facts, jurisdiction=state.location)

    return await ctx.run(actor, unit)


async def assign_plot(
    ctx: ServiceContext,
    actor: Actor,
    cemetery_id: str,
    plot: str,
    *,
    position: int,
    deceased: ResidentId,
    spouse_of_first: bool = False,
) -> pl.PlotAssigned:
    """Assign a position to a registered deceased of the service area: 404 unknown cemetery or
    plot, 422 ``not_deceased`` / ``outside_service_area``, 409 ``position_taken`` /
    ``already_has_grave`` / ``position_kept_for_spouse``."""
    stream = plot_stream(cemetery_id, plot)
    token = person_token(ctx.pseudonyms, deceased)

    async def unit(uow: UnitOfWork) -> pl.PlotAssigned:
        cemetery = await _cemetery(uow, actor, cemetery_id)
        state = await uow.load(PLOT, stream)
        death = await registered_death(uow, ctx.pseudonyms, deceased)
        who = None
        if death.is_dead:
            assert death.registration_id is not None and death.residence is not None
            who = pl.Deceased(death.registration_id, deceased.reveal(), death.residence)
        today = local_date(ctx.clock.now())
        facts = pl.assign(
            cemetery,
            state,
            await standards_table(uow),
            plot_no=plot,
            position=position,
            deceased=who,
            spouse_of_first=spouse_of_first,
            on=today,
        )
        held = await guards.position_of(uow.conn, token)
        if held is not None:
            raise Conflict("already_has_grave", "the deceased already has a plot position", field="deceased")
        fact = facts[0]
        assert isinstance(fact, pl.PlotAssigned)
        await guards.hold_position(
            uow.conn,
            cemetery_id=cemetery_id,
            plot=plot,
            position=position,
            person_token=token,
            registration_id=fact.registration_id,
            assigned_on=today,
        )
        await _schedule_use_end(
            uow, cemetery_id, plot, position, 1, fact.use_until, ctx.clock.now(), cemetery.location
        )
        await uow.record(PLOT, stream, facts, jurisdiction=cemetery.location)
        return fact

    return await ctx.run(actor, unit)


async def record_interment(
    ctx: ServiceContext, actor: Actor, cemetery_id: str, plot: str, *, position: int, interred_on: date
) -> pl.Plot:
    stream = plot_stream(cemetery_id, plot)

    async def unit(uow: UnitOfWork) -> pl.Plot:
        cemetery = await _cemetery(uow, actor, cemetery_id)
        state = await uow.load(PLOT, stream)
        today = local_date(ctx.clock.now())
        facts = pl.inter(cemetery_id, state, plot_no=plot, position=position, on=interred_on, today=today)
        return await uow.record(PLOT, stream, facts, jurisdiction=cemetery.location)

    return await ctx.run(actor, unit)


async def renew_plot_use(
    ctx: ServiceContext, actor: Actor, cemetery_id: str, plot: str, *, position: int
) -> pl.PlotUseRenewed:
    """A new use period; the current period's deadline is closed and the next one's scheduled."""
    stream = plot_stream(cemetery_id, plot)

    async def unit(uow: UnitOfWork) -> pl.PlotUseRenewed:
        cemetery = await _cemetery(uow, actor, cemetery_id)
        state = await uow.load(PLOT, stream)
        now = ctx.clock.now()
        facts = pl.renew(
            cemetery, state, await standards_table(uow), plot_no=plot, position=position, on=local_date(now)
        )
        fact = facts[0]
        assert isinstance(fact, pl.PlotUseRenewed)
        await deadlines.close(
            uow.conn, PLOT_USE, plot_use_subject(cemetery_id, plot, position, fact.period - 1), at=now
        )
        await _schedule_use_end(
            uow, cemetery_id, plot, position, fact.period, fact.use_until, now, cemetery.location
        )
        await uow.record(PLOT, stream, facts, jurisdiction=cemetery.location)
        return fact

    return await ctx.run(actor, unit)


async def reclaim_plot_use(
    ctx: ServiceContext, actor: Actor, cemetery_id: str, plot: str, *, position: int, reason: str
) -> pl.Plot:
    """An expired, unrenewed position taken back (收回); it is never assigned again."""
    stream = plot_stream(cemetery_id, plot)

    async def unit(uow: UnitOfWork) -> pl.Plot:
        cemetery = await _cemetery(uow, actor, cemetery_id)
        state = await uow.load(PLOT, stream)
        on = local_date(ctx.clock.now())
        facts = pl.reclaim(cemetery_id, state, plot_no=plot, position=position, on=on, reason=reason)
        return await uow.record(PLOT, stream, facts, jurisdiction=cemetery.location)

    return await ctx.run(actor, unit)
