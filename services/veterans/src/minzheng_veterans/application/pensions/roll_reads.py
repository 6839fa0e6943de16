"""The run's roll read from the roll projection (``adapters.pensions.roll``), brought up to date
first: what the entitlement area's roll answers (``roll.entitled``, folding every stream), in one
query instead of a read and a fold of every entitlement stream.

The run only *selects* from it (DESIGN §5a, the guide's "a bulk run may select from a
projection"): each payment's id is deterministic, so a stale row pays nobody twice.
"""

from __future__ import annotations

from minzheng_eventstore.context import ServiceContext

from ..entitlement.queries import entitled
from .roll import Entitled
from .roll_state import FIELDS, as_state

NAME = "veterans-pension-roll"
"""The roll's projection (``adapters.pensions.roll``)."""
TABLE = "veterans_pension_roll"


async def roll(ctx: ServiceContext) -> list[Entitled]:
    """Every entitlement of the county the roll holds, by id (as ``roll.entitled``)."""
    await ctx.projection(NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT {', '.join(FIELDS)} FROM {TABLE} WHERE residence LIKE $1 || '%' "
            'ORDER BY entitlement_id COLLATE "C"',
            ctx.county,
        )
    return [entitled(as_state(row)) for row in rows]


__all__ = ["NAME", "TABLE", "roll"]
