"""The burial area's deadlines, on the shared durable ``deadlines`` table: the end of a plot
position's use period (``PlotUseExpired``) and an illegal burial's rectification deadline
(``IllegalBurialOverdue``). Each is raised once: the row moves on in the transaction that records
the event, with the deterministic id of the deadline and stage, at the deadline's true time, so a
restart, a repeat or two schedulers raise nothing twice and a point passed while the service was
down is raised late with its true time."""

from __future__ import annotations

import asyncio

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due
from minzheng_eventstore.uow import UnitOfWork

from ...domain.burial import illegal
from ...domain.burial import plot as pl
from .streams import (
    CEMETERY,
    ILLEGAL_BURIAL,
    PLOT,
    PLOT_USE,
    RECTIFICATION,
    cemetery_stream,
    parse_plot_use_subject,
    plot_stream,
)

SCHEDULER = Actor("burial-scheduler")


async def _plot_use_due(uow: UnitOfWork, due: Due) -> None:
    if due.stage != "overdue":
        return
    cemetery_id, plot, position, period = parse_plot_use_subject(due.subject)
    where = await uow.load(CEMETERY, cemetery_stream(cemetery_id))
    stream = plot_stream(cemetery_id, plot)
    state = await uow.load(PLOT, stream)
    facts = pl.expire(cemetery_id, state, plot_no=plot, position=position, period=period)
    await uow.record(
        PLOT, stream, facts, jurisdiction=where.location, at=due.at, event_ids=[due.event_id][: len(facts)]
    )


async def _rectification_due(uow: UnitOfWork, due: Due) -> None:
    if due.stage != "overdue":
        return
    state = await uow.load(ILLEGAL_BURIAL, due.subject)
    facts = illegal.overdue(state)
    await uow.record(
        ILLEGAL_BURIAL,
        due.subject,
        facts,
        jurisdiction=state.village,
        at=due.at,
        event_ids=[due.event_id][: len(facts)],
    )


HANDLERS: dict[str, deadlines.DueHandler] = {PLOT_USE: _plot_use_due, RECTIFICATION: _rectification_due}


async def raise_due(ctx: ServiceContext) -> dict[str, int]:
    """Raise every burial deadline due at the clock's now: how many of each kind."""
    raised = {}
    for kind, handler in HANDLERS.items():
        counts = await deadlines.raise_due(
            ctx.store, kind, handler, now=ctx.clock.now(), builder=ctx.builder(SCHEDULER)
        )
        raised[kind] = counts["overdue"]
    return raised


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    """Poll both kinds until ``stop`` (interval: ``ctx.options["scheduler_interval"]``, 1 s)."""
    every = float(ctx.options.get("scheduler_interval", 1.0))
    await asyncio.gather(
        *(
            deadlines.run_deadlines(
                ctx.store, kind, handler, builder=ctx.builder(SCHEDULER), stop=stop, interval=every
            )
            for kind, handler in HANDLERS.items()
        )
    )
