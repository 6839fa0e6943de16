"""The configuration routes every area relies on: standards (effective-dated, per jurisdiction) and
the working-day calendar (non-working days and make-up working days), both data (the kit's
``configuration_area`` over the registry's parameters)."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.configuration import configuration_area
from minzheng_eventstore.context import ServiceContext

from ..application import configuration as conf
from ..domain.configuration import Parameter

EXAMPLE = {
    "parameter": "plot_area_max_ashes",
    "jurisdiction": "330727",
    "effective_from": "2027-01-01",
    "value": 50,
}
"""A standard as the bureau would post it: 0.5 m² for an ashes plot from 2027 (the waiver scope: 0
none, 1 低保/特困 only, 2 all residents)."""


HOLIDAYS_2027 = (
    (date(2027, 1, 1), "元旦"),
    *((date(2027, 2, d), "春节") for d in range(5, 12)),
    *((date(2027, 10, d), "国庆节") for d in range(1, 8)),
)
"""Demo data [assume]: the county's 2027 public holidays as the bureau would enter them."""


async def seed_demo(ctx: ServiceContext) -> None:
    await conf.load_national_standards(ctx)
    tool = Actor("demo-seed")
    for day, note in HOLIDAYS_2027:
        await conf.set_calendar_day(ctx, tool, jurisdiction=ctx.county, day=day, working=False, note=note)


AREA = configuration_area({p.value: p for p in Parameter}, example=EXAMPLE, seed_demo=seed_demo)
