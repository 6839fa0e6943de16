"""The subsidy ledger (``adapters.subsidies.ledger``): one row per payment, the centres'
construction, operating and meal subsidies and the private institutions' operating subsidies;
each read brought up to date first, bounded by the caller's division."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext

NAME = "eldercare-subsidies"
TABLE = "eldercare_subsidies"


class Kind(StrEnum):
    CONSTRUCTION = "construction"  # 建设补助
    OPERATING = "operating"  # 运行补助
    MEALS = "meals"  # 就餐补助
    PRIVATE_INSTITUTION = "private_institution"  # 民办养老机构运营补贴


@dataclass(frozen=True, slots=True)
class Subsidy:
    payment_id: str
    kind: str
    beneficiary: str
    """The centre's or the institution's id."""
    division: str
    reference: str
    """The centre subsidy's reference, or the institution's month."""
    amount_fen: int
    paid_on: date
    round_id: str | None
    standard_ids: list[str]


def _where(actor: Actor, kind: str | None, township: str | None, year: int | None) -> tuple[str, list[Any]]:
    return (
        "WHERE ($1::text IS NULL OR division LIKE $1 || '%') "
        "AND ($2::text IS NULL OR division LIKE $2 || '%') "
        "AND ($3::text IS NULL OR kind = $3) AND ($4::int IS NULL OR extract(year FROM paid_on)::int = $4)",
        [actor.jurisdiction, township, kind, year],
    )


async def subsidies(
    ctx: ServiceContext,
    actor: Actor,
    *,
    kind: str | None = None,
    township: str | None = None,
    year: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[Subsidy]]:
    """``(total, page)`` of the payments, by day paid."""
    await ctx.projection(NAME).catch_up()
    where, args = _where(actor, kind, township, year)
    async with ctx.store.pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM {TABLE} {where}", *args)
        rows = await conn.fetch(
            f"SELECT payment_id, kind, beneficiary, division, reference, amount_fen, paid_on, round_id, "
            f"standard_ids FROM {TABLE} {where} ORDER BY paid_on, kind, payment_id OFFSET $5 LIMIT $6",
            *args,
            offset,
            limit,
        )
    return int(total), [Subsidy(**{**dict(r), "standard_ids": list(r["standard_ids"])}) for r in rows]


async def totals(
    ctx: ServiceContext, actor: Actor, *, township: str | None = None, year: int | None = None
) -> dict[str, dict[str, int]]:
    """Per type: the count of payments and the fen paid."""
    await ctx.projection(NAME).catch_up()
    where, args = _where(actor, None, township, year)
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT kind, count(*)::int AS count, sum(amount_fen)::bigint AS total_fen FROM {TABLE} {where} "
            "GROUP BY kind ORDER BY kind",
            *args,
        )
    return {r["kind"]: {"count": r["count"], "total_fen": int(r["total_fen"])} for r in rows}


async def paid_from_round(ctx: ServiceContext, round_id: str) -> dict[str, int]:
    """What a round has paid, per type (fen)."""
    await ctx.projection(NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT kind, sum(amount_fen)::bigint AS paid FROM {TABLE} WHERE round_id = $1 GROUP BY kind",
            round_id,
        )
    return {r["kind"]: int(r["paid"]) for r in rows}
