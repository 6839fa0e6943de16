"""Reads of the allowance ledger (``adapters.payments.ledger``: payments and overpayments), each
brought up to date first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from minzheng_contracts.period import Period
from minzheng_eventstore.context import ServiceContext

NAME = "eldercare-allowance-ledger"
"""The ledger's projection (``adapters.payments.ledger``)."""
PAYMENTS = "eldercare_allowance_payments"
OVERPAYMENTS = "eldercare_allowance_overpayments"

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    """The filters of ``GET /allowance-payments``: all optional but the caller's division."""

    within: str
    key: str | None = None
    elder_id: str | None = None
    band: str | None = None
    mode: str | None = None


async def _fetch(ctx: ServiceContext, sql: str, *args: Any) -> list[dict[str, Any]]:
    await ctx.projection(NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch(sql, *args)]


def _months(raw: Any) -> list[str]:
    return list(json.loads(raw) if isinstance(raw, str) else raw)


async def months_paid_in(
    ctx: ServiceContext, year: int, *, mode: str | None = None
) -> dict[str, frozenset[Period]]:
    """Per elder, the months of ``year`` paid so far (by a month's or a year's payment; ``mode``
    ``annual``: by a year's only)."""
    keys = [f"{year:04d}", *(f"{year:04d}-{m:02d}" for m in range(1, 13))]  # exact keys: the index
    rows = await _fetch(
        ctx,
        f"SELECT elder_id, months FROM {PAYMENTS} "
        "WHERE key = ANY($1::text[]) AND ($2::text IS NULL OR mode = $2)",
        keys,
        mode,
    )
    out: dict[str, set[Period]] = {}
    for r in rows:
        out.setdefault(r["elder_id"], set()).update(Period.parse(m) for m in _months(r["months"]))
    return {elder: frozenset(months) for elder, months in out.items()}


async def payments(
    ctx: ServiceContext, f: PaymentFilter, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """One page of payments matching ``f``, by key then elder, and how many match in all."""
    where = (
        "residence LIKE $1 || '%' AND ($2::text IS NULL OR key = $2) AND ($3::text IS NULL OR elder_id = $3) "
        "AND ($4::text IS NULL OR band = $4) AND ($5::text IS NULL OR mode = $5)"
    )
    args = (f.within, f.key, f.elder_id, f.band, f.mode)
    rows = await _fetch(
        ctx,
        f"SELECT payment_id, elder_id, allowance_id, key, mode, band, amount_fen, standard_id, months, "
        f"run_id, residence, beneficiary, issued_at, count(*) OVER () AS total FROM {PAYMENTS} "
        f"WHERE {where} ORDER BY key, elder_id LIMIT $6 OFFSET $7",
        *args,
        min(limit, MAX_PAGE),
        offset,
    )
    total = int(rows[0]["total"]) if rows else 0
    if not rows and offset:
        counted = await _fetch(ctx, f"SELECT count(*) AS n FROM {PAYMENTS} WHERE {where}", *args)
        total = int(counted[0]["n"])
    for r in rows:
        r.pop("total")
        r["months"] = _months(r["months"])
    return total, rows


async def overpayments(
    ctx: ServiceContext, within: str, elder_id: str | None, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    """The overpayments recorded within a division (optionally of one elder), oldest first."""
    rows = await _fetch(
        ctx,
        f"SELECT overpayment_id, elder_id, allowance_id, payment_id, key, months, amount_fen, last_period, "
        f"reason, died_on, residence, recorded_at FROM {OVERPAYMENTS} "
        "WHERE residence LIKE $1 || '%' AND ($2::text IS NULL OR elder_id = $2) "
        "ORDER BY recorded_at, elder_id, key LIMIT $3 OFFSET $4",
        within,
        elder_id,
        min(limit, MAX_PAGE),
        offset,
    )
    for r in rows:
        r["months"] = _months(r["months"])
    return rows


__all__ = [
    "MAX_PAGE",
    "NAME",
    "OVERPAYMENTS",
    "PAYMENTS",
    "PaymentFilter",
    "months_paid_in",
    "overpayments",
    "payments",
]
