"""Demo data of the area (idempotent: a step already done is refused and skipped): the county's
townships and villages first, then a few roads with their procedure, a renaming that comes into
force later (the former name shows from then on), and house numbers on both sides."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable
from datetime import date, timedelta

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError

from ...application.places import divisions, numbering, places
from ...domain.places.numbering import Side
from ...domain.places.place import PlaceKind

DIVISIONS = (
    ("101", "安文镇"),
    ("101201", "上溪村"),
    ("101202", "花园村"),
    ("102", "新渥镇"),
    ("102201", "新渥村"),
    ("102202", "大皿村"),
    ("103", "尖山镇"),
    ("103201", "尖山村"),
)
"""[assume] plausible names; the codes are the ones the other services' demo data use."""

ROADS = (
    # (key, kind, name, township suffix, renamed to or None, numbers per side)
    ("wenxi", PlaceKind.ROAD, "文溪路", "101", "文溪大道", 4),
    ("huayuan", PlaceKind.LANE, "花园弄", "101201", None, 2),
    ("xinwo", PlaceKind.ROAD, "新渥街", "102", None, 3),
    ("yongjin", PlaceKind.BRIDGE, "永进桥", "102201", None, 0),
)

HISTORICAL = (
    # (key, kind, township suffix, names oldest first, numbers per side)
    (
        "renmin",
        PlaceKind.ROAD,
        "101",
        (("解放路", date(1966, 1, 1), date(2005, 1, 1)), ("人民路", date(2005, 1, 1), None)),
        3,
    ),
)
"""[assume] a road of the place-name census with a former name."""

NAMESPACE = uuid.UUID("6d1f5b1e-8a40-4c3e-9f37-2f0f5c7b0a11")


def demo_place_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


async def _quietly(step: Awaitable[object]) -> None:
    """Run a step; one refused because it was done before is skipped."""
    with contextlib.suppress(DomainError):
        await step


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    for suffix, name in DIVISIONS:
        await _quietly(
            divisions.establish(ctx, tool, code=ctx.county + suffix, name=name, valid_from=date(2001, 1, 1))
        )
    today = local_date(ctx.clock.now())
    for key, kind, suffix, history, per_side in HISTORICAL:
        pid = demo_place_id(key)
        await _quietly(
            places.record(
                ctx,
                tool,
                place_id=uuid.UUID(pid),
                kind=kind,
                division=ctx.county + suffix,
                history=list(history),
                document="演示: 地名普查",
            )
        )
        await _numbers(ctx, tool, pid, per_side)
    for key, kind, name, suffix, renamed, per_side in ROADS:
        pid = demo_place_id(key)
        await _quietly(
            places.propose(
                ctx,
                tool,
                place_id=uuid.UUID(pid),
                kind=kind,
                name=name,
                division=ctx.county + suffix,
                effective_from=today,
                reason="演示数据",
            )
        )
        await _quietly(places.review(ctx, tool, pid, passed=True, opinion="同意"))
        await _quietly(places.approve(ctx, tool, pid, document="演示批复〔2026〕1号"))
        await _quietly(places.publish(ctx, tool, pid, channel="县政府网站"))
        if renamed is not None:
            await _quietly(
                places.rename(
                    ctx, tool, pid, name=renamed, effective_from=today + timedelta(days=60), document="演示"
                )
            )
        if kind.numbered:
            await _numbers(ctx, tool, pid, per_side)


async def _numbers(ctx: ServiceContext, tool: Actor, road_id: str, per_side: int) -> None:
    """The road's first numbers on both sides, once."""
    _, state = await numbering.current(ctx, tool, road_id)
    if state.numbers:
        return
    for _n in range(per_side):
        for side in (Side.LEFT, Side.RIGHT):
            await numbering.issue(ctx, tool, road_id, side=side, number=None, after=None, division=None)
