"""The demo incidents (``make run`` loads them): a flood reported 20 hours ago, households helped,
households at risk, and one already breached; and, for the duty team's board (``GET /sla/board``),
a flood over two townships reported 20 hours before the seed ran, whose named households (some
低保/特困) are breached, at risk (one village with 25 minutes left: a live countdown), pending and
met, by SLA terms per village. Idempotent: each incident is seeded once (a second ``make run`` adds
nothing; a demo database seeded before the board gets the board's incident)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.context import ServiceContext

from .application import handlers as h
from .application.scheduler import raise_due
from .application.streams import incident_stream
from .domain.incident import Damage

INCIDENT = uuid.UUID("d15a57e4-0000-4000-8000-000000000001")


BOARD = uuid.uuid5(INCIDENT, "duty-board")
"""The duty board's demo incident."""

BOARD_TERMS = {
    "330727101203": (20 * 60 + 25, 16 * 60),  # 20 h 25 min: 25 minutes left at the seed
    "330727102202": (16 * 60, 12 * 60),  # breached 4 hours before the seed
    "330727102203": (36 * 60, 30 * 60),  # pending, 16 hours left, not yet at risk
}
"""Demo SLA terms (minutes after the report: deadline, warning point) of three villages; the others
have the default 24 h / 18 h (at risk at the seed, 4 hours left)."""

# (village, head's name, vulnerable, helped at the seed)
BOARD_HOUSEHOLDS = [
    ("330727101201", "王建国", False, True),
    ("330727101201", "李秀英", True, False),
    ("330727101201", "张伟", False, True),
    ("330727101202", "刘芳", False, False),
    ("330727101203", "陈明", True, False),
    ("330727101203", "杨丽", False, False),
    ("330727101202", "赵强", False, True),
    ("330727102202", "黄敏", True, False),
    ("330727102202", "周杰", False, False),
    ("330727102203", "吴静", False, False),
    ("330727102203", "徐磊", True, False),
    ("330727102201", "孙燕", False, False),
    ("330727102203", "马超", False, True),
    ("330727102202", "朱红", False, True),  # helped after its deadline: breached all the same
]


FIRST_NAMES = ["郑国强", "王秀兰", "冯建军", "陈桂英", "褚志明", "卫玉兰", "蒋海涛", "沈春梅"]
"""The heads of the first demo flood's eight households."""


def board_head(n: int) -> str:
    return make_resident_id("330727", date(1940 + 3 * n, 1 + n % 12, 2 + n), 100 + n).reveal()


async def seed_demo(ctx: ServiceContext) -> None:
    if await ctx.store.stream_version(incident_stream(INCIDENT)) == 0:
        await _seed_first(ctx)
    if await ctx.store.stream_version(incident_stream(BOARD)) == 0:
        await _seed_board(ctx)


async def _seed_board(ctx: ServiceContext) -> None:
    """The duty board's incident, relative to the seed's now."""
    actor = Actor("demo-seed")
    now = ctx.clock.now()
    reported = now - timedelta(hours=20)
    async with ctx.store.pool.acquire() as conn:
        for village, (deadline, warning) in BOARD_TERMS.items():
            await conn.execute(
                "INSERT INTO sla_terms (jurisdiction, effective_from, deadline_minutes, warning_minutes) "
                "VALUES ($1, '2020-01-01', $2, $3) ON CONFLICT DO NOTHING",
                village,
                deadline,
                warning,
            )
        # the assistance service's read model, as its contracts would fill it (its demo runs in a
        # database of its own, and its messages reach this service only once it serves)
        for n, (village, _, vulnerable, _) in enumerate(BOARD_HOUSEHOLDS):
            if vulnerable:
                await conn.execute(
                    "INSERT INTO vulnerable (household_id, applicant, residence, programme, active) "
                    "VALUES ($1, $2, $3, 'dibao', true) ON CONFLICT DO NOTHING",
                    uuid.uuid5(BOARD, f"vulnerable-{n}"),
                    board_head(n),
                    village,
                )
    await h.report_incident(
        ctx,
        actor,
        incident_id=BOARD,
        disaster_type="flood",
        area=["330727101", "330727102"],
        happened_at=reported - timedelta(hours=3),
        reported_at=reported,
        reporter="County flood-control office (demo)",
        summary="heavy rain, the river over its banks in townships 101 and 102",
    )
    await h.receive_stock(ctx, actor, warehouse="county-reserve", item="quilt", quantity=100)
    await h.allocate(
        ctx,
        actor,
        incident_id=BOARD,
        document="county relief allocation 2026-18 (demo)",
        cash_fen=2_000_000,
        items={"quilt": 40},
        warehouse="county-reserve",
    )
    for n, (village, name, _, _) in enumerate(BOARD_HOUSEHOLDS):
        await h.register_household(
            ctx,
            actor,
            incident_id=BOARD,
            head=board_head(n),
            village=village,
            members=1 + n % 4,
            relocation=n % 2,
            damage=[Damage.LIGHT, Damage.SEVERE, Damage.COLLAPSED][n % 3],
            needs={"cash": True, "quilts": True},
            head_name=name,
        )
    for n, (_, _, _, helped) in enumerate(BOARD_HOUSEHOLDS):
        if helped:
            await h.deliver(
                ctx,
                actor,
                incident_id=BOARD,
                head=board_head(n),
                cash_fen=50_000,
                items={"quilt": 2},
                delivered_at=None,
                delivery_id=uuid.uuid5(BOARD, f"demo-delivery-{n}"),
            )
    await raise_due(ctx)  # the warnings and breaches due at the seed


async def _seed_first(ctx: ServiceContext) -> None:
    actor = Actor("demo-seed")
    now = ctx.clock.now()
    reported = now - timedelta(hours=20)
    await h.report_incident(
        ctx,
        actor,
        incident_id=INCIDENT,
        disaster_type="flood",
        area=["330727101"],
        happened_at=reported - timedelta(hours=2),
        reported_at=reported,
        reporter="Township 101 civil-affairs office (demo)",
        summary="flash flood along the river",
    )
    await h.verify_incident(ctx, actor, INCIDENT, "12 houses flooded, 2 collapsed (demo)")
    await h.receive_stock(ctx, actor, warehouse="county-reserve", item="quilt", quantity=200)
    await h.receive_stock(ctx, actor, warehouse="county-reserve", item="rice_kg", quantity=2000)
    await h.allocate(
        ctx,
        actor,
        incident_id=INCIDENT,
        document="county relief allocation 2026-17 (demo)",
        cash_fen=5_000_000,
        items={"quilt": 60, "rice_kg": 600},
        warehouse="county-reserve",
    )
    heads = [make_resident_id("330727", date(1950 + n, 1 + n % 12, 1 + n), n).reveal() for n in range(1, 9)]
    for n, head in enumerate(heads):
        await h.register_household(
            ctx,
            actor,
            incident_id=INCIDENT,
            head=head,
            village=f"330727101{201 + n % 2}",
            members=2 + n % 3,
            relocation=n % 2,
            damage=[Damage.LIGHT, Damage.SEVERE, Damage.COLLAPSED][n % 3],
            needs={"cash": True, "quilts": True},
            head_name=FIRST_NAMES[n],
        )
    for n, head in enumerate(heads[:4]):  # helped in time (registered and helped just now)
        await h.deliver(
            ctx,
            actor,
            incident_id=INCIDENT,
            head=head,
            cash_fen=50_000,
            items={"quilt": 2},
            delivered_at=None,
            delivery_id=uuid.uuid5(INCIDENT, f"demo-delivery-{n}"),
        )
    await raise_due(ctx)  # the others are past the 18 h warning point: at risk
    # a second incident, reported 30 hours ago, whose one household was never reached: breached
    old = uuid.uuid5(INCIDENT, "older")
    await h.report_incident(
        ctx,
        actor,
        incident_id=old,
        disaster_type="landslide",
        area=["330727102201"],
        happened_at=now - timedelta(hours=31),
        reported_at=now - timedelta(hours=30),
        reporter="Village 102-201 (demo)",
        summary=None,
    )
    await h.register_household(
        ctx,
        actor,
        incident_id=old,
        head=make_resident_id("330727", date(1944, 4, 4), 9).reveal(),
        village="330727102201",
        members=1,
        relocation=1,
        damage=Damage.COLLAPSED,
        needs={"shelter": True},
        head_name="韩德福",
    )
    await raise_due(ctx)
