"""The subsidies area's demo data: last month's operating subsidy for the demo's small private
homes (the institutions area's ``private-330727-1``, 6 residents, and ``private-330727-2``, 4),
from resident-months declared here [assume: the catalogue has no per-home figures]. A home not
registered (the institutions area not seeded) is skipped; idempotent (once per home and month)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import NotFound

from ...application.subsidies import payments as pay

DECLARED: tuple[tuple[str, dict[str, int]], ...] = (
    ("private-330727-1", {"self_care": 2, "partial": 2, "full": 2}),
    ("private-330727-2", {"self_care": 1, "partial": 2, "full": 1}),
)
"""(institution, resident-months per care level) for a month."""


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    last_month = (local_date(ctx.clock.now()).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    for institution_id, months in DECLARED:
        with contextlib.suppress(NotFound):
            await pay.pay(
                ctx,
                tool,
                institution_id=institution_id,
                month=last_month,
                resident_months=months,
                stated_total_fen=None,
            )
