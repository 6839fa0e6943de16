"""The reporting deadline's scheduler, on the kit's durable deadlines: a soldier not reported at
00:00 +08:00 after the last day gets one ``ReportingOverdue``, with the deadline's deterministic
event id and its true time, also when noticed after a restart. A report closes the deadline."""

from __future__ import annotations

import asyncio

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due
from minzheng_eventstore.uow import UnitOfWork

from ...domain.placement import soldier as s
from .streams import REPORTING, SOLDIER

SCHEDULER = Actor("placement-report-scheduler")


async def on_due(uow: UnitOfWork, due: Due) -> None:
    if due.stage != "overdue":
        return
    state = await uow.load(SOLDIER, due.subject)
    facts = s.overdue(state)
    await uow.record(
        SOLDIER, due.subject, facts, jurisdiction=state.residence or None, at=due.at, event_ids=[due.event_id]
    )


async def raise_due(ctx: ServiceContext) -> int:
    """Raise every reporting deadline past at the clock's now; how many."""
    raised = await deadlines.raise_due(
        ctx.store, REPORTING, on_due, now=ctx.clock.now(), builder=ctx.builder(SCHEDULER)
    )
    return raised["overdue"]


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    every = float(ctx.options.get("scheduler_interval", 1.0))
    await deadlines.run_deadlines(
        ctx.store, REPORTING, on_due, builder=ctx.builder(SCHEDULER), stop=stop, interval=every
    )
