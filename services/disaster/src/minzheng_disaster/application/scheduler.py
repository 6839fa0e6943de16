"""The SLA scheduler: durable clocks in ``sla_clocks``, raised from the due indexes.

Each household gets at most one ``ReliefSlaAtRisk`` (at the warning point) and one
``ReliefSlaBreached`` (at the deadline): the events have deterministic ids and the clock row moves
in the same transaction, so a repeat, a crash or two schedulers at once raise nothing twice. After a
restart across a deadline the breach is raised late, carrying the true deadline. Both are
escalated to the county (their jurisdiction is the county code).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import structlog

from minzheng_eventstore import ANY_VERSION, EventMetadata, NewEvent

from .handlers import NS, Context

log = structlog.get_logger("disaster.sla")

_DUE_WARNINGS = """
SELECT stream_id, incident_id, warn_at, deadline FROM sla_clocks
WHERE state = 'pending' AND NOT warned AND warn_at <= $1 ORDER BY warn_at LIMIT $2 FOR UPDATE SKIP LOCKED
"""
_DUE_BREACHES = """
SELECT stream_id, incident_id, warn_at, deadline FROM sla_clocks
WHERE state = 'pending' AND deadline <= $1 ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED
"""


async def raise_due(ctx: Context, *, batch: int = 1000) -> dict[str, int]:
    """Raise every warning and breach that is due at the clock's now; return how many of each."""
    now = ctx.clock.now()
    raised = {"at_risk": 0, "breached": 0}
    for kind, sql in (("at_risk", _DUE_WARNINGS), ("breached", _DUE_BREACHES)):
        while True:
            async with ctx.store.pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(sql, now, batch)
                if not rows:
                    break
                for row in rows:
                    await _raise(ctx, conn, kind, row, now)
                ids = [r["stream_id"] for r in rows]
                if kind == "at_risk":
                    await conn.execute("UPDATE sla_clocks SET warned = true WHERE stream_id = ANY($1)", ids)
                else:
                    await conn.execute(
                        "UPDATE sla_clocks SET state = 'breached', warned = true WHERE stream_id = ANY($1)",
                        ids,
                    )
                raised[kind] += len(rows)
            if len(rows) < batch:
                break
    if any(raised.values()):
        log.info("sla.raised", **raised)
    return raised


async def _raise(ctx: Context, conn: Any, kind: str, row: Any, now: Any) -> None:
    event_type = "ReliefSlaAtRisk" if kind == "at_risk" else "ReliefSlaBreached"
    data = {
        "incident_id": str(row["incident_id"]),
        "deadline": row["deadline"].isoformat(),
        "warn_at": row["warn_at"].isoformat(),
        "raised_at": now.isoformat(),
        "escalated_to": ctx.county,
    }
    event = NewEvent(
        event_id=uuid.uuid5(NS, f"{row['stream_id']}/{kind}"),
        event_type=event_type,
        data=data,
        occurred_at=row["warn_at"] if kind == "at_risk" else row["deadline"],
        metadata=EventMetadata(actor="sla-scheduler", jurisdiction=ctx.county),
    )
    await ctx.store.append(row["stream_id"], "affected", ANY_VERSION, [event], conn=conn)


async def run_scheduler(ctx: Context, stop: asyncio.Event, *, interval: float = 1.0) -> None:
    """Poll the due indexes until ``stop``; idle cost is one indexed query per interval."""
    while not stop.is_set():
        try:
            await raise_due(ctx)
        except Exception as exc:  # keep the clocks running through outages
            log.warning("sla.retrying", error=str(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
