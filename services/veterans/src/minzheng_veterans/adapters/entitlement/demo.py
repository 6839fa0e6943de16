"""The entitlement area's demo data: 42 entitled persons over the categories, approved a year and
a half ago in three villages (the catalogue's local figures, F0 L165, in small: its one martyr's
elderly child, rural veterans the largest group, one cancellation and one suspension). Idempotent:
a person recognised already is skipped."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.entitlement import handlers as h
from ...domain.entitlement import entitlement as e
from ...domain.entitlement.categories import Category, Terms, terms

VILLAGES = ("330727101201", "330727102201", "330727103201")

ROLL: tuple[tuple[Category, dict[str, object], int], ...] = (
    (Category.DISABLED, {"nature": "war", "grade": 1}, 1),
    (Category.DISABLED, {"nature": "duty", "grade": 1}, 1),
    (Category.DISABLED, {"nature": "illness", "grade": 1}, 2),
    (Category.SURVIVOR, {"survivor": "martyr"}, 2),
    (Category.SURVIVOR, {"survivor": "duty"}, 2),
    (Category.SURVIVOR, {"survivor": "illness"}, 3),
    (Category.RED_ARMY, {"red_army_kind": "home"}, 1),
    (Category.DEMOBILISED, {}, 3),
    (Category.ILL_RETURNED, {}, 5),
    (Category.COMBAT_OR_TEST, {}, 6),
    (Category.RURAL_VETERAN_60, {"service_years": 3}, 13),
    (Category.MARTYR_ELDERLY_CHILD, {}, 1),
    # after the others, so that a roll seeded before the 三红 kinds keeps its persons
    (Category.RED_ARMY, {"red_army_kind": "west_route"}, 1),
    (Category.RED_ARMY, {"red_army_kind": "dispersed"}, 1),
)
"""(category, its terms, how many persons): 42 in all, the three 三红 kinds among them."""


def _terms(category: Category, given: dict[str, object], on: date) -> Terms:
    return terms(category, Period.of(on), **given)  # type: ignore[arg-type]


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    approved = local_date(ctx.clock.now()) - timedelta(days=540)
    n = 0
    first: list[str] = []
    for category, given, count in ROLL:
        for _ in range(count):
            n += 1
            resident = make_resident_id("330727", date(1940, 1, 1) + timedelta(days=97 * n), n % 900 + 1)
            with contextlib.suppress(Conflict):
                state = await h.recognise(
                    ctx,
                    tool,
                    resident_id=resident,
                    residence=VILLAGES[n % 3],
                    terms=_terms(category, given, approved),
                    approved_on=approved,
                )
                first.append(state.entitlement_id or "")
    if len(first) == n:  # the first seeding: one cancelled (death), one suspended
        ended = Period.of(approved + timedelta(days=400))
        await h.cancel(ctx, tool, first[-2], reason=e.CancelReason.DEATH, effective_from=ended, note="demo")
        await h.suspend(ctx, tool, first[0], reason="年审未到", from_period=ended)
