"""The placement area's demo data, from the catalogue (F0 L167): 58 soldiers received (6 NCOs, 9
urban and 43 rural conscripts), all reported on time, the NCOs placed by 安排工作 through the
steps, the conscripts 自主就业; trainees 50 driving + 18 e-commerce. 68 enrolments for 58 soldiers
do not reconcile with "trainees among those received": the figures flag it (``problems``), the
data is kept as the catalogue gives it. Idempotent.

Under ``make run`` (``seed_with_pending``, the area's seed) one more soldier: discharged five days
ago and not reported yet, so the reporting deadline (报到期限) is pending on the operations
console; ``seed_demo`` alone is the catalogue's figures."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.placement import handlers as h
from ...domain.placement import soldier as s
from ...domain.placement.eligibility import Rank, ServiceRecord

TOWNSHIPS = ("330727101201", "330727102201", "330727103201")
GROUPS = (
    (Rank.NCO, s.Household.RURAL, 6),
    (Rank.CONSCRIPT, s.Household.URBAN, 9),
    (Rank.CONSCRIPT, s.Household.RURAL, 43),
)
DRIVING, E_COMMERCE = 50, 18


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    today = local_date(ctx.clock.now())
    approved = today - timedelta(days=60)
    n = 0
    for rank, household, count in GROUPS:
        for _ in range(count):
            n += 1
            sid = str(uuid.UUID(int=0x5D1E << 96 | n))
            record = ServiceRecord(rank, 12 if rank is Rank.NCO else 2)
            with contextlib.suppress(Conflict):
                await h.receive(
                    ctx,
                    tool,
                    soldier_id=sid,
                    resident_id=make_resident_id("330727", date(2001, 1, 1) + timedelta(days=n), n % 900 + 1),
                    residence=TOWNSHIPS[n % 3],
                    record=record,
                    household=household,
                    discharge_approved_on=approved,
                )
                await h.report(ctx, tool, sid, reported_on=approved + timedelta(days=10), justification=None)
                if rank is Rank.NCO:
                    await h.decide_placement(ctx, tool, sid, mode=s.Mode.ARRANGED_WORK)
                    for step in s.STEPS:
                        await h.complete_step(ctx, tool, sid, step=step)
                    await h.choose_post(ctx, tool, sid, employer="县属国有企业", post="安置岗位")
                else:
                    await h.decide_placement(ctx, tool, sid, mode=s.Mode.SELF_EMPLOYMENT)
                if n <= DRIVING:
                    await h.enrol(ctx, tool, sid, course=s.Course.DRIVING)
                if n > 58 - E_COMMERCE:
                    await h.enrol(ctx, tool, sid, course=s.Course.E_COMMERCE)


PENDING = str(uuid.UUID(int=0x5D1E << 96 | 0xFFFF))
"""The soldier received, not reported yet: the reporting deadline runs."""


async def seed_with_pending(ctx: ServiceContext) -> None:
    """The catalogue's soldiers, and one discharged five days ago still to report (once)."""
    await seed_demo(ctx)
    today = local_date(ctx.clock.now())
    with contextlib.suppress(Conflict):
        await h.receive(
            ctx,
            Actor("demo-seed"),
            soldier_id=PENDING,
            resident_id=make_resident_id("330727", date(2003, 6, 1), 591),
            residence=TOWNSHIPS[1],
            record=ServiceRecord(Rank.CONSCRIPT, 2),
            household=s.Household.RURAL,
            discharge_approved_on=today - timedelta(days=5),
        )
