"""The death one-offs' standards for the county (veterans-rules §2): the 2024 national urban
per-capita disposable income (54,188 yuan, used for deaths in 2025), and demo figures for the
排职少尉 wage floor and the local funeral grant [assume]."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import standards as stored
from minzheng_eventstore.context import ServiceContext

from ...domain.death.amounts import FUNERAL_GRANT, URBAN_INCOME, WAGE_FLOOR

DEATH_STANDARDS: tuple[tuple[str, str, int], ...] = (
    (URBAN_INCOME, "2025-01-01", 5_418_800),
    (WAGE_FLOOR, "2020-01-01", 600_000),  # [assume] demo: 6,000 yuan a month
    (FUNERAL_GRANT, "2020-01-01", 300_000),  # [assume] demo: 3,000 yuan
)


async def load_death_standards(ctx: ServiceContext) -> int:
    """The figures for the county, those not set yet; how many were recorded."""
    rows = [stored.StandardRow(p, ctx.county, date.fromisoformat(on), fen) for p, on, fen in DEATH_STANDARDS]
    async with ctx.store.pool.acquire() as conn:
        return sum([bool(await stored.insert_standard(conn, row)) for row in rows])
