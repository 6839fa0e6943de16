"""The record of operators' actions through the operations API (``ops_http``): who re-drove what,
when, and what came of it, kept in the service's own database (``operations_log``).

The kit's migration ``OPERATIONS_LOG`` (every service has it, beside ``audit_reads``) also adds a
partial index over the payment runs' summary events (``*RunCompleted``: one row per run), so that
the summary finds the last run without scanning the log.
"""

from __future__ import annotations

import json
from typing import Any

from .builder import Actor
from .context import ServiceContext
from .host import Migration

OPERATIONS_LOG = Migration(
    "kit_operations_log",
    """
    CREATE TABLE IF NOT EXISTS operations_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL, actor text NOT NULL, roles text[] NOT NULL, division text,
        action text NOT NULL, target jsonb NOT NULL, result jsonb NOT NULL, correlation_id uuid);
    CREATE INDEX IF NOT EXISTS operations_log_at ON operations_log (at);
    CREATE INDEX IF NOT EXISTS events_run_completed ON events (position)
        WHERE event_type LIKE '%RunCompleted';
    """,
)


async def record_action(
    ctx: ServiceContext, actor: Actor, action: str, target: dict[str, Any], result: dict[str, Any]
) -> str:
    """Record one operator's action at the service clock's time; returns the record's id."""
    async with ctx.store.pool.acquire() as conn:
        recorded = await conn.fetchval(
            "INSERT INTO operations_log (at, actor, roles, division, action, target, result, correlation_id) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8) RETURNING id",
            ctx.clock.now(),
            actor.name,
            sorted(actor.roles),
            actor.jurisdiction,
            action,
            json.dumps(target),
            json.dumps(result),
            actor.correlation_id,
        )
    return str(recorded)


__all__ = ["OPERATIONS_LOG", "record_action"]
