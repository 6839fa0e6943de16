"""Local dates, the working-day calendar and statutory periods (期间), pure (registry-rules §0).

- Local dates are Asia/Shanghai (UTC+8): ``local_date(moment)``.
- A period "within N days" of an act: the day of the act is day 0 and is not counted; the period
  ends at the end of day N; if day N is a non-working day it ends at the end of the next working
  day (Civil Code arts. 201, 203): ``period_end(start, n, calendar)``.
- A deadline fires once, at 00:00 +08:00 after its last day: ``end_of_day(day)``.
- Which days are working days is data (``WorkingCalendar``: the non-working days and the make-up
  working days 调休 of each year), stored by ``minzheng_eventstore.deadlines``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China Standard Time: the county's local dates (no daylight saving since 1991)."""


def local_date(moment: datetime) -> date:
    """The county's date of an aware moment."""
    return moment.astimezone(CHINA).date()


def end_of_day(day: date) -> datetime:
    """The moment a period ending on ``day`` is over: 00:00 +08:00 of the next day."""
    return datetime.combine(day + timedelta(days=1), time(0), CHINA)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Which days are working days (工作日): weekdays, except the non-working days, plus the
    make-up working days (调休上班日) that fall on a weekend."""

    non_working: frozenset[date] = frozenset()
    make_up: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    """``date.weekday()`` numbers of the weekly rest days."""

    def __post_init__(self) -> None:
        if len(self.weekend) >= 7 or not self.weekend <= set(range(7)):
            raise ValueError("a week needs at least one working day")

    def is_working(self, day: date) -> bool:
        if day in self.make_up:
            return True
        return day.weekday() not in self.weekend and day not in self.non_working

    def next_working(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working(day):
            day += timedelta(days=1)
        return day


def add_working_days(start: date, n: int, calendar: WorkingCalendar) -> date:
    """The day ``n`` working days after ``start`` (``start`` itself not counted; ``n = 0`` gives
    ``start``). Terminates: non-working days are finitely many and every week has a working day."""
    if n < 0:
        raise ValueError("count working days forward (n >= 0)")
    day = start
    while n:
        day += timedelta(days=1)
        if calendar.is_working(day):
            n -= 1
    return day


def period_end(start: date, days: int, calendar: WorkingCalendar) -> date:
    """The last day of a statutory period of ``days`` calendar days from the act on ``start``
    (day 0): day ``days``, moved to the next working day if it is not one."""
    if days < 0:
        raise ValueError("a period has days >= 0")
    return calendar.next_working(start + timedelta(days=days))


def calendar_of(days: Iterable[tuple[date, bool]]) -> WorkingCalendar:
    """A calendar from ``(day, working)`` entries: ``working`` false for a non-working day, true
    for a make-up working day (a later entry for the same day wins)."""
    marks = dict(days)
    return WorkingCalendar(
        non_working=frozenset(d for d, working in marks.items() if not working),
        make_up=frozenset(d for d, working in marks.items() if working),
    )


__all__ = [
    "CHINA",
    "WorkingCalendar",
    "add_working_days",
    "calendar_of",
    "end_of_day",
    "local_date",
    "period_end",
]
