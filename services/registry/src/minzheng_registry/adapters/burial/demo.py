"""The burial area's demo data under ``make run``: the cemetery of ``seed_demo`` (the area's
catalogue, kept as it is), and an illegal burial (违规土葬) found last week in village
330727101202, its rectification ordered: the ``illegal-burial-rectification`` deadline is pending
on the operations console. Idempotent: fixed case id, and each step refused once done."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from minzheng_eventstore import Actor
from minzheng_eventstore.areas import Seed
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.burial import illegal as handlers

ILLEGAL_CASE = "b1a1b2c3-0000-4000-8000-00000000de11"
ILLEGAL_VILLAGE = "330727101202"


async def seed_illegal_burial(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    today = local_date(ctx.clock.now())
    with contextlib.suppress(Conflict):
        await handlers.open_case(
            ctx,
            tool,
            case_id=ILLEGAL_CASE,
            village=ILLEGAL_VILLAGE,
            location="后山林地，村道东侧约 200 米",
            description="村民举报新建土葬坟墓一座（演示）",
            found_on=today - timedelta(days=6),
        )
    with contextlib.suppress(Conflict):
        await handlers.order_rectification(ctx, tool, ILLEGAL_CASE, document="磐民殡〔2026〕3号（演示）")


def with_illegal_burial(first: Seed) -> Seed:
    """The area's seed: ``first`` (the cemetery), then the illegal burial case."""

    async def seed(ctx: ServiceContext) -> None:
        await first(ctx)
        await seed_illegal_burial(ctx)

    return seed
