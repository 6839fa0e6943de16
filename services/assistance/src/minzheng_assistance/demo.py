"""A small demo county (``make run`` loads it): townships, villages, standards with a raise, and
households in every state, so a newcomer can try the API at once. Idempotent.

Two households (``READY``) have passed every review step and their public notice ended weeks ago:
the README's walk-through approves one and pays it at once (``tests/integration/test_walkthrough.py``
runs it as written).

The standards are the figures of the domain catalogue (F0 L143, L215: urban 488 → 528 → 552 yuan,
rural 352 → 396 → 442 yuan a month); the other parameters are illustrative demo values.

The demo's one case across services (``CASE_PERSON``, the same resident ID in the veterans,
eldercare and registry demos): a 90-year-old of village 330727101201 living alone on 低保
(``CASE_HOUSEHOLD``, approved a month ago), who is also an entitled veteran and an elder with an
allowance, and whose death the registry's demo registers: under ``make run`` the registry's
``DeathRegistered`` reaches this service's ``assistance-deaths-v1`` and ends the case, in the
death's correlation. Seeded on its own (a county seeded before this case existed gets it too).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.clock import Clock, ManualClock

from .adapters.projection import NAME as READ_MODELS
from .application import handlers as h
from .application.configuration import Division, load_divisions
from .application.payments import run_payments
from .domain.household import Member, Step
from .domain.standards import Parameter

COUNTY = "330727"
DIVISIONS = [
    ("330727101", "Township 101 (demo)"),
    ("330727101201", "Village 101-201 (demo)"),
    ("330727101202", "Village 101-202 (demo)"),
    ("330727102", "Township 102 (demo)"),
    ("330727102201", "Village 102-201 (demo)"),
]
DIVISIONS_FROM = date(2001, 1, 1)
"""The demo divisions are established from this day (as the registry would record them)."""
STANDARDS = [
    (Parameter.DIBAO_URBAN, date(2014, 1, 1), 48_800),
    (Parameter.DIBAO_URBAN, date(2015, 3, 1), 52_800),
    (Parameter.DIBAO_URBAN, date(2016, 1, 1), 55_200),
    (Parameter.DIBAO_RURAL, date(2014, 1, 1), 35_200),
    (Parameter.DIBAO_RURAL, date(2015, 3, 1), 39_600),
    (Parameter.DIBAO_RURAL, date(2016, 1, 1), 44_200),
    (Parameter.NOTICE_DAYS, date(2014, 1, 1), 7),
    (Parameter.TEKUN_CENTRALISED, date(2016, 1, 1), 80_000),
    (Parameter.TEKUN_DISPERSED, date(2016, 1, 1), 60_000),
    (Parameter.TEMPORARY_AID_LIMIT, date(2016, 1, 1), 300_000),
    (Parameter.MEDICAL_RATE, date(2016, 1, 1), 7_000),
    (Parameter.MEDICAL_ANNUAL_CAP, date(2016, 1, 1), 3_000_000),
]
NS = uuid.UUID("0e7b8a50-45d1-4a8c-8d8f-2f0c1d9e5a77")


def demo_household_id(n: int) -> uuid.UUID:
    """The id of demo household ``n`` (the same in every demo database)."""
    return uuid.uuid5(NS, str(n))


READY = (demo_household_id(10), demo_household_id(11))
"""Households on notice whose notice has ended, with no objection: ready to approve."""
CASE_HOUSEHOLD = demo_household_id(12)
"""The household of the demo's case across services: ``CASE_PERSON`` alone, 低保 (rural)."""
CASE_PERSON = make_resident_id(COUNTY, date(1936, 3, 15), 718)
"""The demo's one person known to assistance, veterans and eldercare, whose death the registry
registers (the same ID in each service's demo)."""
CASE_VILLAGE = "330727101201"


def _person(n: int) -> str:
    return make_resident_id(COUNTY, date(1950 + n % 50, 1 + n % 12, 1 + n % 28), n).reveal()


@dataclass
class _Backdated(ServiceContext):
    """The service's context on a clock of its own: the demo's history starts 40 days ago."""

    demo_clock: ManualClock = field(default_factory=lambda: ManualClock(datetime.now(UTC)))

    @property
    def clock(self) -> Clock:
        return self.demo_clock


async def seed_demo(service: ServiceContext) -> None:
    async with service.store.pool.acquire() as conn:
        seeded = bool(await conn.fetchval("SELECT count(*) FROM divisions"))
    if not seeded:
        await _county(service)
    await _case(service)


async def _case(service: ServiceContext) -> None:
    """``CASE_PERSON``'s household, applied 40 days ago, reviewed, on notice, approved (once)."""
    async with service.store.pool.acquire() as conn:
        if await conn.fetchval(
            "SELECT 1 FROM events WHERE stream_id = $1 LIMIT 1", f"household-{CASE_HOUSEHOLD}"
        ):
            return
    clock = ManualClock(datetime.now(UTC) - timedelta(days=40))
    ctx = _Backdated(service.host, COUNTY, demo_clock=clock)
    actor = Actor("demo-seed")
    hid = await h.apply_household(
        ctx,
        actor,
        household_id=CASE_HOUSEHOLD,
        programme="dibao_rural",
        residence=CASE_VILLAGE,
        members=[Member(CASE_PERSON.reveal(), "self", 0, "unable_to_work")],
        official_relative=False,
    )
    for step in (Step.INVESTIGATION, Step.ECONOMIC_CHECK, Step.APPRAISAL, Step.TOWNSHIP_REVIEW):
        await h.record_step(ctx, actor, hid, step, True, "demo")
    await h.post_notice(ctx, actor, hid)
    clock.advance(timedelta(days=8))
    await h.approve(ctx, Actor("demo-approver"), hid, "A")


async def _county(service: ServiceContext) -> None:
    clock = ManualClock(datetime.now(UTC) - timedelta(days=40))
    ctx = _Backdated(service.host, COUNTY, demo_clock=clock)
    actor = Actor("demo-seed")
    approver = Actor("demo-approver")  # not the official who investigated (maker-checker)
    # the divisions are the registry's: recorded as its DivisionRecorded consumer records them
    await load_divisions(
        ctx,
        actor,
        [
            Division(
                code,
                name,
                "village" if len(code) == 12 else "township",
                parent=code[:9] if len(code) == 12 else COUNTY,
                valid_from=DIVISIONS_FROM,
            )
            for code, name in DIVISIONS
        ],
    )
    for parameter, effective, value in STANDARDS:
        await h.set_standard(
            ctx, actor, parameter=parameter, jurisdiction=COUNTY, effective_from=effective, value=value
        )

    async def household(
        n: int, village: str, incomes: list[int], programme: str = "dibao_rural"
    ) -> uuid.UUID:
        members = [
            Member(_person(n * 10 + i), "self" if i == 0 else "child", income, "unemployed")
            for i, income in enumerate(incomes)
        ]
        return await h.apply_household(
            ctx,
            actor,
            household_id=demo_household_id(n),
            programme=programme,
            residence=village,
            members=members,
            official_relative=False,
        )

    async def reviewed(hid: uuid.UUID) -> None:
        for step in (Step.INVESTIGATION, Step.ECONOMIC_CHECK, Step.APPRAISAL, Step.TOWNSHIP_REVIEW):
            await h.record_step(ctx, actor, hid, step, True, "demo")

    # in every state: reviewing, on notice (open objection), active, suspended, rejected,
    # withdrawn, terminated
    await household(1, "330727101201", [20_000, 0])
    on_notice = await household(2, "330727101202", [10_000, 5_000, 0])
    active = [
        await household(n, village, [15_000, 0], programme)
        for n, village, programme in (
            (3, "330727101201", "dibao_rural"),
            (4, "330727102201", "dibao_rural"),
            (5, "330727101", "dibao_urban"),
            (6, "330727101", "dibao_urban"),
            (7, "330727102201", "dibao_rural"),
        )
    ]
    rejected = await household(8, "330727101202", [90_000])
    ready = [
        await household(10, "330727101201", [12_000, 0]),
        await household(11, "330727102201", [0], "dibao_rural"),
    ]
    assert tuple(ready) == READY
    for hid in [*active, *ready]:
        await reviewed(hid)
        await h.post_notice(ctx, actor, hid)
    clock.advance(timedelta(days=8))
    for hid in active:
        await h.approve(ctx, approver, hid, "B")
    await reviewed(on_notice)
    await h.post_notice(ctx, actor, on_notice)
    await h.raise_objection(ctx, actor, on_notice, "demo-objection", "a neighbour reports a rented-out shop")
    await h.reject(ctx, actor, rejected, "per-capita income above the standard (demo)")
    await h.suspend(ctx, actor, active[3], "annual recheck documents missing (demo)")
    await h.withdraw(ctx, actor, active[4], "found work (demo)")
    terminated = await household(9, "330727102201", [0])
    await reviewed(terminated)
    await h.post_notice(ctx, actor, terminated)
    clock.advance(timedelta(days=8))
    await h.approve(ctx, approver, terminated, "A")
    await h.recheck(ctx, actor, terminated, {_person(90): 80_000})
    # last month's payment run, so that payment queries have something to show
    await run_payments(ctx, actor, Period.of(clock.now().date()), projection=ctx.projection(READ_MODELS))
