"""The SLA board and shares (from the guard rows), and the replay that recomputes the outcomes from
the household streams alone; lists of incidents and warehouses.

``scope`` is the caller's division (``jurisdiction.scope``): lists hold only what lies in it
(households of its villages, incidents whose area overlaps it); ``None`` filters nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from minzheng_eventstore import EventStore

from ..domain.sla import Clock, Outcome, outcome
from .streams import HOUSEHOLD, SLA_DEADLINE


async def board(
    store: EventStore, incident_id: uuid.UUID, now: datetime, *, scope: str | None = None
) -> list[dict[str, Any]]:
    """Per household (of ``scope``'s villages): pending (with time left), met or breached;
    vulnerable households first."""
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT a.stream_id, a.village, a.township, a.vulnerable, a.registered_at, a.delivered_at, "
            "a.delivery_recorded_at, a.review, d.starts_at, d.warn_at, d.due_at, d.state, d.closed_at "
            "FROM affected a "
            "JOIN deadlines d ON d.kind = $2 AND d.subject = a.stream_id WHERE a.incident_id = $1 "
            "AND ($3::text IS NULL OR a.village LIKE $3 || '%') "
            "ORDER BY a.vulnerable DESC, d.due_at, a.stream_id",
            incident_id,
            SLA_DEADLINE,
            scope,
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
                "delivered_at": None if r["delivered_at"] is None else r["delivered_at"].isoformat(),
                "delivery_recorded_at": None
                if r["delivery_recorded_at"] is None
                else r["delivery_recorded_at"].isoformat(),
                "review": r["review"],
            }
        )
    return out


_DUTY_BOARD = """
WITH open_incidents AS (
    SELECT i.incident_id, i.disaster_type, i.area, i.reported_at, i.summary FROM incidents i
    WHERE (NOT EXISTS (SELECT 1 FROM affected a WHERE a.incident_id = i.incident_id)
           OR EXISTS (SELECT 1 FROM affected a WHERE a.incident_id = i.incident_id
                      AND a.delivered_at IS NULL))
      AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM unnest(i.area) c
                                        WHERE c LIKE $3 || '%' OR $3 LIKE c || '%'))
), judged AS (
    SELECT a.incident_id, a.township, a.stream_id, a.head_name, a.head_id, a.village, a.vulnerable,
           d.due_at, d.warn_at,
           CASE WHEN d.state = 'met' THEN 'met' WHEN $1 >= d.due_at THEN 'breached' ELSE 'pending' END
               AS outcome
    FROM open_incidents o
    JOIN affected a ON a.incident_id = o.incident_id
    JOIN deadlines d ON d.kind = $2 AND d.subject = a.stream_id
    WHERE $3::text IS NULL OR a.village LIKE $3 || '%'
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY incident_id, township
                                 ORDER BY rank, due_at, stream_id COLLATE "C") AS place
    FROM (SELECT *, outcome = 'pending' AND d_warn_passed AS at_risk,
                 CASE WHEN outcome = 'breached' THEN 0 WHEN outcome = 'met' THEN 3
                      WHEN d_warn_passed THEN 1 ELSE 2 END AS rank
          FROM (SELECT *, warn_at IS NOT NULL AND $1 >= warn_at AS d_warn_passed FROM judged) j) k
), townships AS (
    SELECT incident_id, township,
           count(*) FILTER (WHERE outcome = 'pending') AS pending,
           count(*) FILTER (WHERE at_risk) AS at_risk,
           count(*) FILTER (WHERE outcome = 'breached') AS breached,
           count(*) FILTER (WHERE outcome = 'met') AS met,
           json_agg(json_build_object(
               'household', stream_id, 'head_name', head_name, 'head_id', head_id, 'village', village,
               'vulnerable', vulnerable, 'outcome', outcome, 'at_risk', at_risk, 'deadline', due_at,
               'seconds_left', CASE WHEN outcome = 'pending'
                                    THEN floor(date_part('epoch', due_at - $1))::bigint END)
               ORDER BY rank, due_at, stream_id COLLATE "C")
               FILTER (WHERE $4::int IS NULL OR place <= $4) AS households
    FROM ranked GROUP BY incident_id, township
), incidents_ AS (
    SELECT incident_id,
           sum(pending)::int AS pending, sum(at_risk)::int AS at_risk,
           sum(breached)::int AS breached, sum(met)::int AS met,
           json_agg(json_build_object(
               'township', township, 'name', NULL,
               'counts', json_build_object('pending', pending, 'at_risk', at_risk,
                                           'breached', breached, 'met', met),
               'total', pending + breached + met,
               'households', coalesce(households, '[]'::json))
                    ORDER BY breached > 0 DESC, at_risk > 0 DESC, township COLLATE "C") AS townships
    FROM townships GROUP BY incident_id
)
SELECT json_build_object(
    'generated_at', $1::timestamptz,
    'incidents', coalesce(json_agg(json_build_object(
        'incident_id', o.incident_id,
        'title', o.disaster_type || ' · ' || array_to_string(o.area, ', ')
                 || coalesce(': ' || left(o.summary, 120), ''),
        'reported_at', o.reported_at,
        'counts', json_build_object('pending', coalesce(c.pending, 0), 'at_risk', coalesce(c.at_risk, 0),
                                    'breached', coalesce(c.breached, 0), 'met', coalesce(c.met, 0)),
        'townships', coalesce(c.townships, '[]'::json))
        ORDER BY o.reported_at DESC, o.incident_id), '[]'::json))::text
FROM open_incidents o LEFT JOIN incidents_ c ON c.incident_id = o.incident_id
"""


async def duty_board(
    store: EventStore, now: datetime, *, scope: str | None = None, per_township: int | None = None
) -> str:
    """The duty team's board over every open incident (one with no household yet, or with one still
    waiting for relief) that reaches ``scope``, as the JSON text of ``GET /sla/board``, built by
    one SQL statement: per incident the counts and its townships (those with a breach first, then
    those at risk, then by code), per township its households of ``scope``'s villages ordered
    breached, at risk, pending (each by deadline), met. ``pending`` counts every household still
    within its deadline, ``at_risk`` those of them past the warning point. Each township has its
    counts and ``total``; ``per_township`` keeps only the first that many households of each (the
    most urgent), so that a board of 10,000 households is one page a browser draws at once."""
    async with store.pool.acquire() as conn:
        text: str = await conn.fetchval(_DUTY_BOARD, now, SLA_DEADLINE, scope, per_township)
    return text


def shares(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of households helped within the deadline, per incident and per township."""

    def share(items: list[dict[str, Any]]) -> dict[str, Any]:
        met = sum(1 for e in items if e["outcome"] == "met")
        return {"households": len(items), "met": met, "share_met": met / len(items) if items else None}

    townships: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        townships.setdefault(e["township"], []).append(e)
    return {"incident": share(entries), "townships": {t: share(v) for t, v in sorted(townships.items())}}


async def replay_outcomes(
    store: EventStore, incident_id: uuid.UUID, now: datetime, *, scope: str | None = None
) -> dict[str, str]:
    """Recompute every household's outcome (of ``scope``'s villages) from its stream alone (event
    times only)."""
    result: dict[str, str] = {}
    for stream in await store.stream_ids(f"affected-{incident_id}-", stream_type=HOUSEHOLD.stream_type):
        state = HOUSEHOLD.fold(await store.read_stream(stream))
        r = state.registration
        if r is not None and (scope is None or r.village.startswith(scope)):
            result[stream] = outcome(state.outcome_clock(), state.first_delivery, now).value
    return result


async def incident_area(store: EventStore, incident_id: uuid.UUID) -> list[str] | None:
    """The incident's area, ``None`` for an unknown incident."""
    async with store.pool.acquire() as conn:
        area = await conn.fetchval("SELECT area FROM incidents WHERE incident_id = $1", incident_id)
    return None if area is None else list(area)


def _incident_columns(scope: int) -> str:
    """The summary's columns; ``$scope`` bounds the household count to the caller's villages."""
    return (
        "i.incident_id, i.disaster_type, i.area, i.happened_at, i.reported_at, i.reporter, i.verified, "
        "(SELECT count(*) FROM affected a WHERE a.incident_id = i.incident_id "
        f"AND (${scope}::text IS NULL OR a.village LIKE ${scope} || '%')) AS households"
    )


_OVERLAPS = "EXISTS (SELECT 1 FROM unnest(i.area) c WHERE c LIKE {p} || '%' OR {p} LIKE c || '%')"


def _incident(r: Any) -> dict[str, Any]:
    return {
        "incident_id": r["incident_id"],
        "disaster_type": r["disaster_type"],
        "area": list(r["area"]),
        "happened_at": r["happened_at"],
        "reported_at": r["reported_at"],
        "reporter": r["reporter"],
        "status": "verified" if r["verified"] else "reported",
        "households": r["households"],
    }


async def list_incidents(
    store: EventStore,
    *,
    status: str | None,
    disaster_type: str | None,
    area: str | None,
    limit: int,
    offset: int,
    scope: str | None = None,
) -> dict[str, Any]:
    """Incidents, newest report first (from the ``incidents`` guard rows). ``area``: incidents
    whose area contains the division or lies in it (``330727101`` finds a flood in
    ``330727101201`` and one in ``330727``); ``scope`` (the caller's division) bounds them the
    same way, and the household counts to its villages."""
    where = ["($1::boolean IS NULL OR i.verified = $1)", "($2::text IS NULL OR i.disaster_type = $2)"]
    where.append(f"($3::text IS NULL OR {_OVERLAPS.format(p='$3')})")
    where.append(f"($4::text IS NULL OR {_OVERLAPS.format(p='$4')})")
    verified = None if status is None else status == "verified"
    args = (verified, disaster_type, area, scope)
    sql_where = " WHERE " + " AND ".join(where)
    async with store.pool.acquire() as conn:
        total = await conn.fetchval("SELECT count(*) FROM incidents i" + sql_where, *args)
        rows = await conn.fetch(
            f"SELECT {_incident_columns(4)} FROM incidents i{sql_where} "
            "ORDER BY i.reported_at DESC, i.incident_id LIMIT $5 OFFSET $6",
            *args,
            limit,
            offset,
        )
    return _page([_incident(r) for r in rows], total, limit, offset)


async def get_incident(
    store: EventStore, incident_id: uuid.UUID, *, scope: str | None = None
) -> dict[str, Any] | None:
    """One incident with what was allocated to it and delivered, per item and warehouse (the
    household count: of ``scope``'s villages)."""
    async with store.pool.acquire() as conn:
        row = await conn.fetchrow(
            f"SELECT {_incident_columns(2)} FROM incidents i WHERE i.incident_id = $1", incident_id, scope
        )
        if row is None:
            return None
        allocations = await conn.fetch(
            "SELECT item, warehouse, allocated, delivered, allocated_at FROM allocations "
            "WHERE incident_id = $1 ORDER BY item, allocated_at, warehouse",
            incident_id,
        )
    return {
        **_incident(row),
        "allocations": [
            {
                "item": a["item"],
                "warehouse": a["warehouse"] or None,
                "allocated": a["allocated"],
                "delivered": a["delivered"],
                "left": a["allocated"] - a["delivered"],
            }
            for a in allocations
        ],
    }


async def list_warehouses(store: EventStore, *, limit: int, offset: int) -> dict[str, Any]:
    """Warehouses with stock rows, by name: how many items, and the totals."""
    async with store.pool.acquire() as conn:
        total = await conn.fetchval("SELECT count(DISTINCT warehouse) FROM stock")
        rows = await conn.fetch(
            "SELECT warehouse, count(*) AS items, sum(on_hand)::numeric AS on_hand, "
            "sum(reserved)::numeric AS reserved FROM stock GROUP BY warehouse ORDER BY warehouse "
            "LIMIT $1 OFFSET $2",
            limit,
            offset,
        )
    items = [
        {
            "warehouse": r["warehouse"],
            "items": r["items"],
            "on_hand": int(r["on_hand"]),
            "reserved": int(r["reserved"]),
        }
        for r in rows
    ]
    return _page(items, total, limit, offset)


async def warehouse_stock(
    store: EventStore, warehouse: str, *, item: str | None, limit: int, offset: int
) -> dict[str, Any] | None:
    """One warehouse's stock per item (on hand, reserved by allocations, available); ``None`` for a
    warehouse that never received anything."""
    async with store.pool.acquire() as conn:
        if not await conn.fetchval("SELECT true FROM stock WHERE warehouse = $1 LIMIT 1", warehouse):
            return None
        total = await conn.fetchval(
            "SELECT count(*) FROM stock WHERE warehouse = $1 AND ($2::text IS NULL OR item = $2)",
            warehouse,
            item,
        )
        rows = await conn.fetch(
            "SELECT item, on_hand, reserved, on_hand - reserved AS available FROM stock "
            "WHERE warehouse = $1 AND ($2::text IS NULL OR item = $2) ORDER BY item LIMIT $3 OFFSET $4",
            warehouse,
            item,
            limit,
            offset,
        )
    return {"warehouse": warehouse, **_page([dict(r) for r in rows], total, limit, offset)}


def _page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    after = offset + len(items)
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": after if after < total else None,
    }
