"""The publication deadline of approved names (公布期限), on the shared durable deadlines: a name
not published by ``publish_by`` gets one ``PlaceNamePublicationOverdue`` at 00:00 +08:00 after it,
with the deadline's deterministic event id and its true time, also when noticed after a restart.
Publishing closes the deadline in its own transaction."""

from __future__ import annotations

import asyncio

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due
from minzheng_eventstore.uow import UnitOfWork

from ...domain.places import place as p
from .places import PLACE, PUBLICATION

SCHEDULER = Actor("place-publication-scheduler")


async def on_due(uow: UnitOfWork, due: Due) -> None:
    if due.stage != "overdue":
        return
    state = await uow.load(PLACE, due.subject)
    facts = p.publication_overdue(state)
    if facts:  # published meanwhile: nothing to raise
        await uow.record(
            PLACE, due.subject, facts, jurisdiction=state.division, at=due.at, event_ids=[due.event_id]
        )


async def raise_due(ctx: ServiceContext) -> int:
    """Raise every publication deadline past at the clock's now; how many were overdue."""
    raised = await deadlines.raise_due(
        ctx.store, PUBLICATION, on_due, now=ctx.clock.now(), builder=ctx.builder(SCHEDULER)
    )
    return raised["overdue"]


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    every = float(ctx.options.get("scheduler_interval", 1.0))
    await deadlines.run_deadlines(
        ctx.store, PUBLICATION, on_due, builder=ctx.builder(SCHEDULER), stop=stop, interval=every
    )
