"""The SLA board and shares (from the guard rows), and the replay that recomputes the outcomes from
the household streams alone."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from minzheng_eventstore import EventStore

from ..domain.sla import Clock, Outcome, outcome
from .streams import HOUSEHOLD, SLA_DEADLINE


async def board(store: EventStore, incident_id: uuid.UUID, now: datetime) -> list[dict[str, Any]]:
    """Per household: pending (with time left), met or breached; vulnerable households first."""
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT a.stream_id, a.village, a.township, a.vulnerable, a.registered_at, "
            "d.starts_at, d.warn_at, d.due_at, d.state, d.closed_at FROM affected a "
            "JOIN deadlines d ON d.kind = $2 AND d.subject = a.stream_id WHERE a.incident_id = $1 "
            "ORDER BY a.vulnerable DESC, d.due_at, a.stream_id",
            incident_id,
            SLA_DEADLINE,
        )
    out = []
    for r in rows:
        clock = Clock(r["starts_at"], r["warn_at"], r["due_at"])
        state = outcome(clock, r["closed_at"] if r["state"] == "met" else None, now)
        out.append(
            {
                "household": r["stream_id"],
                "village": r["village"],
                "township": r["township"],
                "vulnerable": r["vulnerable"],
                "outcome": state.value,
                "deadline": r["due_at"].isoformat(),
                "minutes_left": int((r["due_at"] - now).total_seconds() // 60)
                if state == Outcome.PENDING
                else None,
                "at_risk": state == Outcome.PENDING and now >= r["warn_at"],
                "registered_late": r["registered_at"] > r["warn_at"],
            }
        )
    return out


def shares(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of households helped within the deadline, per incident and per township."""

    def share(items: list[dict[str, Any]]) -> dict[str, Any]:
        met = sum(1 for e in items if e["outcome"] == "met")
        return {"households": len(items), "met": met, "share_met": met / len(items) if items else None}

    townships: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        townships.setdefault(e["township"], []).append(e)
    return {"incident": share(entries), "townships": {t: share(v) for t, v in sorted(townships.items())}}


async def replay_outcomes(store: EventStore, incident_id: uuid.UUID, now: datetime) -> dict[str, str]:
    """Recompute every household's outcome from its stream alone (event times only)."""
    result: dict[str, str] = {}
    for stream in await store.stream_ids(f"affected-{incident_id}-", stream_type=HOUSEHOLD.stream_type):
        state = HOUSEHOLD.fold(await store.read_stream(stream))
        if state.registration is not None:
            result[stream] = outcome(state.outcome_clock(), state.first_delivery, now).value
    return result
