"""The centres' read model (``adapters.centres.projection``): one row per centre, its status and
dates; each read brought up to date first, bounded by the caller's division."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext

NAME = "eldercare-care-centres"
TABLE = "eldercare_care_centres"


@dataclass(frozen=True, slots=True)
class CentreRow:
    centre_id: str
    name: str
    division: str
    status: str
    planned_on: date | None
    built_on: date | None
    accepted_on: date | None
    opened_on: date | None


@dataclass(frozen=True, slots=True)
class CentreFigures:
    total: int
    by_status: dict[str, int]
    by_township: dict[str, int]
    accepted_by_year: dict[str, int]
    """Centres accepted (newly finished) per year: the catalogue's "今年新建36家"."""


def _where(actor: Actor, township: str | None, status: str | None) -> tuple[str, list[Any]]:
    return (
        "WHERE ($1::text IS NULL OR division LIKE $1 || '%') "
        "AND ($2::text IS NULL OR division LIKE $2 || '%') "
        "AND ($3::text IS NULL OR status = $3)",
        [actor.jurisdiction, township, status],
    )


async def centres(
    ctx: ServiceContext,
    actor: Actor,
    *,
    township: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[CentreRow]]:
    """``(total, page)`` of the centres, by township and name."""
    await ctx.projection(NAME).catch_up()
    where, args = _where(actor, township, status)
    async with ctx.store.pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM {TABLE} {where}", *args)
        rows = await conn.fetch(
            f"SELECT centre_id, name, division, status, planned_on, built_on, accepted_on, opened_on "
            f"FROM {TABLE} {where} ORDER BY division, name, centre_id OFFSET $4 LIMIT $5",
            *args,
            offset,
            limit,
        )
    return int(total), [CentreRow(**dict(r)) for r in rows]


async def figures(ctx: ServiceContext, actor: Actor, *, township: str | None = None) -> CentreFigures:
    await ctx.projection(NAME).catch_up()
    where, args = _where(actor, township, None)
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT status, substr(division, 1, 9) AS township, "
            f"extract(year FROM accepted_on)::int AS accepted, count(*)::int AS n "
            f"FROM {TABLE} {where} GROUP BY 1, 2, 3",
            *args,
        )
    by_status: dict[str, int] = {}
    by_township: dict[str, int] = {}
    by_year: dict[str, int] = {}
    for r in rows:
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
        by_township[r["township"]] = by_township.get(r["township"], 0) + r["n"]
        if r["accepted"] is not None:
            by_year[str(r["accepted"])] = by_year.get(str(r["accepted"]), 0) + r["n"]
    return CentreFigures(sum(by_status.values()), by_status, by_township, by_year)
