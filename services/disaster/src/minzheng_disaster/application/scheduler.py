"""The 24-hour SLA scheduler, on the shared durable deadlines (``minzheng_eventstore.deadlines``).

Each household gets at most one ``ReliefSlaAtRisk`` (at the warning point) and one
``ReliefSlaBreached`` (at the deadline), escalated to the county: the deadlines module claims the
due rows and moves them in the transaction that records the event, with a deterministic id and the
true time, so a repeat, a crash or two schedulers raise nothing twice, and a breach noticed after a
restart carries the true deadline (``raised_at`` says when it was noticed).

A due stage is raised **without reading the household's stream**: the deadline row holds what the
alert needs (the stream, hence the incident; the deadline and the warning point), and it is pending
only while the SLA is not met (a delivery that meets it locks and closes the row in its own
transaction). The alert is appended at ``ANY_VERSION``: its deterministic id makes a repeat a no-op,
and the row moving on in the same transaction keeps it raised once.
"""

from __future__ import annotations

import asyncio

from minzheng_eventstore import deadlines
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deadlines import Due
from minzheng_eventstore.model import ANY_VERSION
from minzheng_eventstore.uow import UnitOfWork

from ..domain import household
from .streams import HOUSEHOLD, SLA_DEADLINE, incident_of

SCHEDULER = Actor("sla-scheduler")


def _on_due(ctx: ServiceContext) -> deadlines.DueHandler:
    async def on_due(uow: UnitOfWork, due: Due) -> None:
        d = due.deadline
        assert d.warn_at is not None
        fact = household.alert(
            due.stage,
            incident_id=incident_of(d.subject),
            deadline=d.due_at,
            warn_at=d.warn_at,
            raised_at=due.now,
            escalated_to=ctx.county,
        )
        events = uow.builder.build([fact], jurisdiction=ctx.county, at=due.at, event_ids=[due.event_id])
        await uow.append(d.subject, HOUSEHOLD.stream_type, events, expected_version=ANY_VERSION)

    return on_due


async def raise_due(ctx: ServiceContext, *, batch: int = 1000) -> dict[str, int]:
    """Raise every warning and breach due at the clock's now; how many of each (``at_risk``,
    ``breached``)."""
    raised = await deadlines.raise_due(
        ctx.store,
        SLA_DEADLINE,
        _on_due(ctx),
        now=ctx.clock.now(),
        builder=ctx.builder(SCHEDULER),
        batch=batch,
    )
    return {"at_risk": raised["at_risk"], "breached": raised["overdue"]}


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event, *, interval: float | None = None) -> None:
    """Poll the due deadlines until ``stop`` (interval: ``ctx.options["scheduler_interval"]``, 1 s)."""
    every = interval if interval is not None else float(ctx.options.get("scheduler_interval", 1.0))
    await deadlines.run_deadlines(
        ctx.store, SLA_DEADLINE, _on_due(ctx), builder=ctx.builder(SCHEDULER), stop=stop, interval=every
    )
