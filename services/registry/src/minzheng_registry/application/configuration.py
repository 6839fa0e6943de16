"""The registry's configuration: standards and the working-day calendar, each row written with its
event; and how a unit reads them (in its own transaction, so a decision and the data it used agree)."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import (
    set_calendar_day,
    set_standard,
    set_standards,
    standards_table,
    working_calendar,
)

from ..domain.configuration import Parameter

NATIONAL: tuple[tuple[Parameter, date, int], ...] = (
    # 1950 婚姻法 art. 4; 1980 婚姻法 art. 5 (from 1981-01-01); Civil Code art. 1047
    (Parameter.MARRIAGE_AGE_MALE, date(1950, 5, 1), 20),
    (Parameter.MARRIAGE_AGE_FEMALE, date(1950, 5, 1), 18),
    (Parameter.MARRIAGE_AGE_MALE, date(1981, 1, 1), 22),
    (Parameter.MARRIAGE_AGE_FEMALE, date(1981, 1, 1), 20),
    # Civil Code art. 1077 (from 2021-01-01)
    (Parameter.DIVORCE_COOLING_OFF_DAYS, date(2021, 1, 1), 30),
    (Parameter.DIVORCE_CERTIFICATE_WINDOW_DAYS, date(2021, 1, 1), 30),
    # 民事发〔1998〕10号: area limits and the 20-year use cycle
    (Parameter.PLOT_AREA_MAX_ASHES, date(1998, 1, 1), 100),
    (Parameter.PLOT_AREA_MAX_BODY_SINGLE, date(1998, 1, 1), 400),
    (Parameter.PLOT_AREA_MAX_BODY_DOUBLE, date(1998, 1, 1), 600),
    (Parameter.PLOT_USE_YEARS, date(1998, 1, 1), 20),
    # waiver of basic fees at least for 低保 recipients (A5 L273); [assume] the rest
    (Parameter.FUNERAL_FEE_WAIVER_SCOPE, date(2009, 1, 1), 1),
    (Parameter.PLOT_KEEP_FOR_SPOUSE, date(1998, 1, 1), 1),
    (Parameter.ILLEGAL_BURIAL_RECTIFICATION_DAYS, date(1998, 1, 1), 30),
    (Parameter.PLACE_NAME_PUBLICATION_DAYS, date(2022, 5, 1), 15),
)
"""The national figures of the rules (registry-rules §1 "Standards"), loaded as rows of the county;
a county adds its own (a waiver for all residents, 0.5 m² for ashes) from a date."""


async def load_national_standards(ctx: ServiceContext) -> int:
    """Record every ``NATIONAL`` standard for the county that is not set yet (the service's own
    tool: the demo, the tests, a new deployment's first run); the count recorded."""
    return await set_standards(ctx, Actor("registry-setup"), NATIONAL)


__all__ = [
    "NATIONAL",
    "load_national_standards",
    "set_calendar_day",
    "set_standard",
    "standards_table",
    "working_calendar",
]
