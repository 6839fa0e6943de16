"""The divorce-lapse scheduler (视为撤回), on the shared durable deadlines: an application still
open at 00:00 +08:00 after its certificate deadline gets one ``DivorceApplicationLapsed``, with the
deadline's deterministic event id and its true time, also when noticed after a restart.

A withdrawal, a registration or a spouse's death closes the deadline in its own transaction, so a
closed application is never raised; the lapse itself loads the marriage stream and appends at its
version (a concurrent withdrawal or registration makes the one that comes second retry)."""

from __future__ import annotations

import asyncio

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due
from minzheng_eventstore.uow import UnitOfWork

from ...domain.marriage import marriage
from .streams import LAPSE, MARRIAGE, parse_lapse_subject

SCHEDULER = Actor("divorce-lapse-scheduler")


async def on_due(uow: UnitOfWork, due: Due) -> None:
    if due.stage != "overdue":
        return
    stream, application_id = parse_lapse_subject(due.subject)
    state = await uow.load(MARRIAGE, stream)
    facts = marriage.lapse(state, application_id=application_id, at=due.at.isoformat())
    await uow.record(
        MARRIAGE, stream, facts, jurisdiction=state.office or None, at=due.at, event_ids=[due.event_id]
    )


async def raise_due(ctx: ServiceContext, *, batch: int = 1000) -> int:
    """Lapse every application whose deadline is past at the clock's now; how many."""
    raised = await deadlines.raise_due(
        ctx.store, LAPSE, on_due, now=ctx.clock.now(), builder=ctx.builder(SCHEDULER), batch=batch
    )
    return raised["overdue"]


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    """Poll the due lapses until ``stop`` (interval: ``ctx.options["scheduler_interval"]``, 1 s)."""
    every = float(ctx.options.get("scheduler_interval", 1.0))
    await deadlines.run_deadlines(
        ctx.store, LAPSE, on_due, builder=ctx.builder(SCHEDULER), stop=stop, interval=every
    )
