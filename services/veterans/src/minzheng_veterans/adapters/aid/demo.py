"""The aid area's demo data, from the catalogue's totals (F0 L165) at the demo standards: 298
outpatient allowances (29.8万), 51 inpatient subsidies (18.1万: 50 stays of 7,100 yuan and one of
7,000 at 50%), 200 hardship grants of 485 yuan (9.7万, "200+ veterans"), 71 Spring Festival
visits (9.23万). Idempotent (each grant once per its key)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta

from minzheng_contracts import ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.aid import grants as a
from ...domain.aid import grants as g

VILLAGES = ("330727101201", "330727102201", "330727103201")


def _person(n: int) -> ResidentId:
    return make_resident_id("330727", date(1940, 1, 1) + timedelta(days=n * 7), n % 900 + 1)


async def _pay(
    ctx: ServiceContext,
    kind: g.Kind,
    count: int,
    reference: Callable[[int], str],
    decide: Callable[[int], a.Decide],
) -> None:
    tool = Actor("demo-seed")
    for n in range(1, count + 1):
        with contextlib.suppress(Conflict):
            await a.grant(
                ctx,
                tool,
                kind=kind,
                resident_id=_person(n),
                residence=VILLAGES[n % 3],
                reference=reference(n),
                decide=decide(n),
            )


async def seed_demo(ctx: ServiceContext) -> None:
    day = local_date(ctx.clock.now())
    year = str(day.year)
    await _pay(
        ctx,
        g.Kind.OUTPATIENT,
        298,
        lambda n: year,
        lambda n: lambda t, p, pid, today: g.outpatient(t, p, payment_id=pid, paid_on=day, today=today),
    )
    await _pay(
        ctx,
        g.Kind.INPATIENT,
        51,
        lambda n: f"ZY{year}-{n:04d}",
        lambda n: (
            lambda t, p, pid, today: g.inpatient(
                t,
                p,
                payment_id=pid,
                stay=f"ZY{year}-{n:04d}",
                cost_fen=710_000 if n <= 50 else 700_000,
                paid_on=day,
                today=today,
            )
        ),
    )
    await _pay(
        ctx,
        g.Kind.HARDSHIP,
        200,
        lambda n: year,
        lambda n: (
            lambda t, p, pid, today: g.hardship(
                t, p, payment_id=pid, amount_fen=48_500, reason="困难救助", paid_on=day, today=today
            )
        ),
    )
    festival = g.holiday_reference(g.Festival.SPRING_FESTIVAL, day.year)
    await _pay(
        ctx,
        g.Kind.HOLIDAY_VISIT,
        71,
        lambda n: festival,
        lambda n: (
            lambda t, p, pid, today: g.holiday_visit(
                t, p, payment_id=pid, festival=g.Festival.SPRING_FESTIVAL, paid_on=day, today=today
            )
        ),
    )
