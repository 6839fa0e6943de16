"""Age and band (年龄段): which band, if any, a person is in for a period, by the standards in force.

Age comes from the resident ID's birth date. With the start rule ``birthday_month`` the band of
period P is the one for the age reached by P's last day (the birthday month counts); with
``next_month`` it is the age on P's first day. An age is reached on the birthday; a person born on
29 February reaches it on 28 February in a common year.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date

from minzheng_contracts.period import Period
from minzheng_kernel.standards import StandardsTable

from .parameters import THRESHOLDS, Parameter, StartRule, band_parameter


def age_on(born: date, day: date) -> int:
    """Full years on ``day`` (29 February birthdays fall on 28 February in a common year)."""
    birthday = (born.month, born.day)
    if birthday == (2, 29) and not calendar.isleap(day.year):
        birthday = (2, 28)
    return day.year - born.year - ((day.month, day.day) < birthday)


@functools.lru_cache(maxsize=4096)
def first_day(period: Period) -> date:
    return date(period.year, period.month, 1)


@functools.lru_cache(maxsize=4096)
def last_day(period: Period) -> date:
    return date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def age_for_period(born: date, period: Period, rule: StartRule) -> int:
    """The age that decides the band of ``period`` under ``rule``."""
    day = last_day(period) if rule is StartRule.BIRTHDAY_MONTH else first_day(period)
    return age_on(born, day)


@dataclass(frozen=True, slots=True)
class Band:
    """A band in force: its lower age, its upper age (None: open-ended), its monthly amount and the
    standard that sets it."""

    lower: int
    upper: int | None
    monthly_fen: int
    standard_id: str

    @property
    def label(self) -> str:
        return f"{self.lower}+" if self.upper is None else f"{self.lower}-{self.upper}"


def bands_in_force(table: StandardsTable, place: str, on: date) -> tuple[Band, ...]:
    """The bands for ``place`` on ``on``, youngest first: the thresholds with a standard in force
    above 0, each running to the next one (the last has no upper bound)."""
    open_ = []
    for lower in THRESHOLDS:
        parameter = band_parameter(lower)
        value = table.value_or(parameter, place, on, 0)
        if value > 0:
            open_.append((lower, table.in_force(parameter, place, on)))
    bands = []
    for i, (lower, standard) in enumerate(open_):
        upper = open_[i + 1][0] - 1 if i + 1 < len(open_) else None
        bands.append(Band(lower, upper, standard.value, standard.standard_id))
    return tuple(bands)


def band_for_age(bands: tuple[Band, ...], age: int) -> Band | None:
    """The band an age falls in, or None (below the first band)."""
    for band in reversed(bands):
        if age >= band.lower:
            return band
    return None


def start_rule(table: StandardsTable, place: str, on: date) -> StartRule:
    """The start rule in force (the default ``birthday_month`` where none is set)."""
    return StartRule(table.value_or(Parameter.START_RULE.value, place, on, StartRule.BIRTHDAY_MONTH))


def band_for_period(table: StandardsTable, place: str, born: date, period: Period) -> Band | None:
    """The band a person born on ``born`` living in ``place`` is in for ``period`` (the standards in
    force on the period's first day), or None."""
    on = first_day(period)
    age = age_for_period(born, period, start_rule(table, place, on))
    return band_for_age(bands_in_force(table, place, on), age)
