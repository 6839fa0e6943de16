"""Leave past its return date (请假逾期): on the kit's durable deadlines (kind ``residency-leave``),
a resident still away at 00:00 +08:00 after the return date gets one ``ResidentLeaveOverdue``,
with the deadline's deterministic event id and its true time, also when noticed after a restart.
A return closes the deadline, a discharge cancels it. The ``residency-leave-deadlines`` background
task raises them every ``scheduler_interval`` seconds; ``raise_due`` is the daily check by hand."""

from __future__ import annotations

import asyncio

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due
from minzheng_eventstore.uow import UnitOfWork

from ...domain.institutions import residency as r
from .streams import LEAVE, RESIDENCY, leave_of

SCHEDULER = Actor("residency-leave-scheduler")


async def on_due(uow: UnitOfWork, due: Due) -> None:
    if due.stage != "overdue":
        return
    stream, leave = leave_of(due.subject)
    state = await uow.load(RESIDENCY, stream)
    facts = r.leave_overdue(state, leave)
    await uow.record(
        RESIDENCY, stream, facts, jurisdiction=state.township or None, at=due.at, event_ids=[due.event_id]
    )


async def raise_due(ctx: ServiceContext) -> int:
    """Raise every leave past its return date at the clock's now; how many."""
    raised = await deadlines.raise_due(
        ctx.store, LEAVE, on_due, now=ctx.clock.now(), builder=ctx.builder(SCHEDULER)
    )
    return raised["overdue"]


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    every = float(ctx.options.get("scheduler_interval", 1.0))
    await deadlines.run_deadlines(
        ctx.store, LEAVE, on_due, builder=ctx.builder(SCHEDULER), stop=stop, interval=every
    )
