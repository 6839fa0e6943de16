"""The rectification deadline's scheduler, on the kit's durable deadlines: an order still open
gets one ``RectificationAtRisk`` at 00:00 +08:00 of its at-risk day and one
``RectificationOverdue`` at 00:00 +08:00 after its deadline (with admissions suspended in the same
unit, the standing row with them), each with the deadline's deterministic event id and its true
time, also when noticed after a restart. The order's completion closes the deadline."""

from __future__ import annotations

import asyncio
import uuid

from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due, Stage
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import CHINA

from ...domain.inspections import decisions as d
from . import standing as g
from .streams import OVERSIGHT, RECTIFICATION, order_of, oversight_stream

SCHEDULER = Actor("rectification-scheduler")


async def on_due(uow: UnitOfWork, due: Due) -> None:
    order_id = order_of(due.subject)
    institution_id = await g.institution_of(uow.conn, g.ORDERS, order_id, "order_id")
    await g.standing(uow.conn, institution_id, lock=True)
    stream = oversight_stream(institution_id)
    state = await uow.load(OVERSIGHT, stream)
    if due.stage == "at_risk":
        facts = d.at_risk(state, order_id)
    else:
        facts = d.overdue(state, order_id, at=due.at.astimezone(CHINA))
    await g.apply(uow.conn, institution_id, facts)
    ids = [due.event_id, *(uuid.uuid5(due.event_id, f"{n}") for n in range(1, len(facts)))]
    await uow.record(
        OVERSIGHT, stream, facts, jurisdiction=state.township, at=due.at, event_ids=ids[: len(facts)]
    )


async def raise_due(ctx: ServiceContext) -> dict[Stage, int]:
    """Raise every rectification deadline point past at the clock's now; how many of each."""
    return await deadlines.raise_due(
        ctx.store, RECTIFICATION, on_due, now=ctx.clock.now(), builder=ctx.builder(SCHEDULER)
    )


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    every = float(ctx.options.get("scheduler_interval", 1.0))
    await deadlines.run_deadlines(
        ctx.store, RECTIFICATION, on_due, builder=ctx.builder(SCHEDULER), stop=stop, interval=every
    )
