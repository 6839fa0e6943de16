"""Reads of the pension ledger (``adapters.pensions.ledger``), each brought up to date first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore.context import ServiceContext

NAME = "veterans-pension-ledger"
"""The ledger's projection (``adapters.pensions.ledger``)."""
TABLE = "veterans_pension_ledger"

PaidByEntitlement = dict[str, dict[Period, int]]

MAX_ROWS = 1000


async def _fetch(ctx: ServiceContext, sql: str, *args: Any) -> list[dict[str, Any]]:
    await ctx.projection(NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch(sql, *args)]


async def paid_so_far(ctx: ServiceContext, entitlement_ids: Sequence[str]) -> PaidByEntitlement:
    """What each month of these entitlements has been paid so far (pensions + back-payments)."""
    rows = await _fetch(
        ctx,
        f"SELECT entitlement_id, period, sum(amount_fen)::bigint AS paid FROM {TABLE} "
        "WHERE entitlement_id = ANY($1::text[]) GROUP BY 1, 2",
        list(entitlement_ids),
    )
    out: PaidByEntitlement = {}
    for r in rows:
        out.setdefault(r["entitlement_id"], {})[Period.parse(r["period"])] = int(r["paid"])
    return out


async def payments_of(ctx: ServiceContext, entitlement_id: str, within: str) -> list[dict[str, Any]]:
    """An entitlement's ledger lines paid within a division, by month (a back-payment: one line
    per month it makes up)."""
    return await _fetch(
        ctx,
        f"SELECT payment_id, kind, period, amount_fen, standard_id, run_id, issued_at FROM {TABLE} "
        "WHERE entitlement_id = $1 AND residence LIKE $2 || '%' ORDER BY period, kind, issued_at LIMIT $3",
        entitlement_id,
        within,
        MAX_ROWS,
    )


async def by_category(
    ctx: ServiceContext, within: str, period: Period | None, category: str | None
) -> list[dict[str, Any]]:
    """The 抚恤事业费 ledger: per month and category, the persons paid, the lines and the total,
    within a division (a prefix of the residence)."""
    return await _fetch(
        ctx,
        f"SELECT period, category, count(DISTINCT entitlement_id) AS entitlements, count(*) AS lines, "
        f"sum(amount_fen)::bigint AS total_fen, "
        f"sum(amount_fen) FILTER (WHERE kind = 'backpay')::bigint AS back_paid_fen FROM {TABLE} "
        "WHERE residence LIKE $1 || '%' AND ($2::text IS NULL OR period = $2) "
        "AND ($3::text IS NULL OR category = $3) GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $4",
        within,
        str(period) if period else None,
        category,
        MAX_ROWS,
    )


__all__ = ["NAME", "TABLE", "PaidByEntitlement", "by_category", "paid_so_far", "payments_of"]
