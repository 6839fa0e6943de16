"""The conscript area's demo data: the catalogue's 优待金 total (173万, F0 L165) at the demo
standard of 10,000 yuan per service year is 173 service years: 87 conscripts enlisted 400 days
ago, one of them promoted to 军士 before the second year, and both years' runs. Idempotent."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.conscripts import handlers as h
from ...domain.conscripts import conscript as c

VILLAGES = ("330727101201", "330727102201", "330727103201")
CONSCRIPTS = 87


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    enlisted = local_date(ctx.clock.now()) - timedelta(days=400)
    for n in range(1, CONSCRIPTS + 1):
        cid = str(uuid.UUID(int=0xC0C5 << 96 | n))
        with contextlib.suppress(Conflict):
            await h.enlist(
                ctx,
                tool,
                conscript_id=cid,
                resident_id=make_resident_id("330727", date(2005, 1, 1) + timedelta(days=n), n % 900 + 1),
                county=VILLAGES[n % 3],
                enlisted_on=enlisted,
            )
            if n == 1:
                await h.end_service(
                    ctx, tool, cid, reason=c.EndReason.PROMOTED_NCO, ended_on=enlisted + timedelta(days=200)
                )
    first = Period.of(enlisted)
    for period in (first, Period(first.year + 1, first.month)):
        await h.run_allowances(ctx, tool, period)
