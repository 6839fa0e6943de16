"""The centres area's demo data from the catalogue (F0 L155): 125 home-care centres in all, 36 of
them new in 2023 (89 accepted and operating in 2019–2022, 36 built and accepted through 2023), and
the county's 2023 subsidy round of 229.178万 = construction 47万 (shared by the 36 new centres)
+ operating 82.7万 + meals 99.478万 (each shared by all 125: 6,616 and 7,958.24 yuan a centre),
paid. Idempotent: a centre, the round and each payment are recorded once."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.events import DomainEvent

from ...application.centres import payments as pay
from ...application.centres.streams import CENTRE, centre_stream
from ...domain.centres import centre as c
from ...domain.centres import subsidies as s

DEMO_NAMESPACE = uuid.UUID("5e0d1c2b-3a49-4857-a6b5-c4d3e2f1a0b9")
CENTRES = 125
NEW = 36
ROUND_ID = "330727-2023"
CONSTRUCTION_FEN = 47_000_000
OPERATING_FEN = 82_700_000
MEALS_FEN = 99_478_000
PAID_ON = date(2023, 12, 15)
TOOL = Actor("demo-seed")


def centre_id(n: int) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"centre-{n}"))


def division(n: int) -> str:
    """Spread over ten townships' villages."""
    return f"330727{101 + n % 10:03d}{201 + n // 10:03d}"


def history(n: int) -> tuple[date, date, date, date]:
    """Planned, built, accepted, opened: the first 89 before 2023, the last 36 in 2023."""
    if n < CENTRES - NEW:
        planned = date(2019, 1, 10) + timedelta(days=n * 14)
    else:
        planned = date(2022, 11, 1) + timedelta(days=(n - (CENTRES - NEW)) * 7)
    built = planned + timedelta(days=60)
    accepted = built + timedelta(days=10)
    return planned, built, accepted, accepted + timedelta(days=5)


async def _centre(ctx: ServiceContext, n: int) -> None:
    cid = centre_id(n)
    stream = centre_stream(cid)
    planned, built, accepted, opened = history(n)
    name = f"{division(n)} 居家养老服务中心"

    async def unit(uow: UnitOfWork) -> None:
        state = await uow.load(CENTRE, stream)
        if state.exists:
            return
        facts: list[DomainEvent] = c.plan(
            state, centre_id=cid, name=name, division=division(n), planned_on=planned
        )
        facts += c.build(CENTRE.apply(state, facts), built_on=built, today=opened)
        facts += c.accept(CENTRE.apply(state, facts), accepted_on=accepted, today=opened)
        facts += c.open_centre(CENTRE.apply(state, facts), opened_on=opened, today=opened)
        await uow.record(CENTRE, stream, facts, jurisdiction=division(n))

    await ctx.run(TOOL, unit)


async def seed_demo(ctx: ServiceContext) -> None:
    for n in range(CENTRES):
        await _centre(ctx, n)
    await pay.set_round(
        ctx,
        TOOL,
        round_id=ROUND_ID,
        year=2023,
        total_fen=CONSTRUCTION_FEN + OPERATING_FEN + MEALS_FEN,
        amounts={
            s.SubsidyKind.CONSTRUCTION: CONSTRUCTION_FEN,
            s.SubsidyKind.OPERATING: OPERATING_FEN,
            s.SubsidyKind.MEALS: MEALS_FEN,
        },
        decided_on=date(2023, 6, 30),
        jurisdiction=ctx.county,
    )
    shares = {
        s.SubsidyKind.CONSTRUCTION: dict(
            zip(range(CENTRES - NEW, CENTRES), s.split(CONSTRUCTION_FEN, NEW), strict=True)
        ),
        s.SubsidyKind.OPERATING: dict(enumerate(s.split(OPERATING_FEN, CENTRES))),
        s.SubsidyKind.MEALS: dict(enumerate(s.split(MEALS_FEN, CENTRES))),
    }
    for kind, amounts in shares.items():
        for n, amount in amounts.items():
            await pay.pay(
                ctx,
                TOOL,
                centre_id=centre_id(n),
                kind=kind,
                reference="2023",
                amount_fen=amount,
                round_id=ROUND_ID,
                paid_on=PAID_ON,
            )
