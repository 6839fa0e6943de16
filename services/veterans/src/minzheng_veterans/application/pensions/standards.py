"""The national pension standards (veterans-rules §2) loaded as rows of the county."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import standards as stored
from minzheng_eventstore.context import ServiceContext

from ...domain.pensions.parameters import NATIONAL


async def load_pension_standards(ctx: ServiceContext) -> int:
    """The national figures for the county, those not set yet; how many were recorded."""
    rows = [stored.StandardRow(p, ctx.county, date.fromisoformat(on), fen) for p, on, fen in NATIONAL]
    async with ctx.store.pool.acquire() as conn:
        return sum([bool(await stored.insert_standard(conn, row)) for row in rows])


__all__ = ["load_pension_standards"]
