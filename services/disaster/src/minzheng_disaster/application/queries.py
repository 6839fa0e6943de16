"""The SLA board and shares, and the replay that recomputes them from events alone."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from minzheng_eventstore import EventStore

from ..domain.sla import Clock, Outcome, outcome


async def board(store: EventStore, incident_id: uuid.UUID, now: datetime) -> list[dict[str, Any]]:
    """Per household: pending (with time left), met or breached; vulnerable households first."""
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT a.stream_id, a.household_key, a.village, a.township, a.vulnerable, a.registered_at, "
            "c.reported_at, c.warn_at, c.deadline, c.first_delivery FROM affected a "
            "JOIN sla_clocks c USING (stream_id) WHERE a.incident_id = $1 "
            "ORDER BY a.vulnerable DESC, c.deadline, a.stream_id",
            incident_id,
        )
    out = []
    for r in rows:
        clock = Clock(r["reported_at"], r["warn_at"], r["deadline"])
        state = outcome(clock, r["first_delivery"], now)
        out.append(
            {
                "household": r["stream_id"],
                "village": r["village"],
                "township": r["township"],
                "vulnerable": r["vulnerable"],
                "outcome": state.value,
                "deadline": r["deadline"].isoformat(),
                "minutes_left": int((r["deadline"] - now).total_seconds() // 60)
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
    """Recompute every household's outcome from the incident's events alone."""
    async with store.pool.acquire() as conn:
        streams = [
            r["stream_id"]
            for r in await conn.fetch(
                "SELECT DISTINCT stream_id FROM events "
                "WHERE stream_type = 'affected' AND data->>'incident_id' = $1",
                str(incident_id),
            )
        ]
    result: dict[str, str] = {}
    for stream in streams:
        events = await store.read_stream(stream)
        registered = events[0].data
        first: datetime | None = None
        for e in events:
            if e.event_type == "ReliefDelivered":
                at = datetime.fromisoformat(e.data["delivered_at"])
                first = at if first is None or at < first else first
        deadline = datetime.fromisoformat(registered["deadline"])
        clock = Clock(deadline, datetime.fromisoformat(registered["warn_at"]), deadline)
        result[stream] = outcome(clock, first, now).value
    return result
