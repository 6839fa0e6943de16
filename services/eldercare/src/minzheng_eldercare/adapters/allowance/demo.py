"""The allowance area's demo data: 300 elders of county 330727 in six villages, born so that their
ages on the service's day spread from 75 to 104 (below the first band, in 80–89, 90–99 and 100+),
a few of them dibao recipients, registered as an imported roll and checked once (the allowances
in a band start). Idempotent: a re-seed registers nobody twice."""

from __future__ import annotations

from datetime import date, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date

from ...application.allowance import handlers as h
from ...application.allowance.check import check_allowances

VILLAGES = ("330727101201", "330727102201", "330727103201", "330727104201", "330727105201", "330727106201")
COUNT = 300


def roll(today: date, count: int = COUNT) -> list[h.Application]:
    out = []
    for n in range(count):
        age_days = int(365.25 * (75 + 30 * n / count)) + n % 29
        born = today - timedelta(days=age_days)
        out.append(
            h.Application(
                make_resident_id("330727", born, n % 900 + 1), VILLAGES[n % len(VILLAGES)], n % 10 == 0
            )
        )
    return out


async def seed_demo(ctx: ServiceContext) -> None:
    today = local_date(ctx.clock.now())
    await h.register_roll(ctx, Actor("demo-seed"), roll(today))
    await check_allowances(ctx, today)
