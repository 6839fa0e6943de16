"""Which months can be paid (按月发放的期间): never a month that has not come yet.

A period is payable when it is not after the current period plus the lead time, and, for one
household, not before the period its approval took effect. The current period is the month of today
in the county's time zone (Asia/Shanghai: a run started at 07:00 on the 1st in the county is in the
new month, though it is still the last day of the old one in UTC). The lead time is the standard
``payment_lead_months`` in force for the county today (0 when none is set: only months already
begun are paid); a county that pays a month ahead sets it to 1 from a date.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
LAST = Period(9999, 12)


def county_today(now: datetime) -> date:
    """The county's date at ``now`` (an aware datetime)."""
    return now.astimezone(COUNTY_TZ).date()


def plus_months(period: Period, months: int) -> Period:
    """``period`` moved ``months`` (≥ 0) on, stopping at 9999-12."""
    index = period.year * 12 + period.month - 1 + max(0, months)
    year, month = divmod(index, 12)
    return LAST if year > LAST.year else Period(year, month + 1)


def latest_payable(today: date, lead_months: int) -> Period:
    """The last month that can be paid on ``today`` (the county's date)."""
    return plus_months(Period.of(today), lead_months)


def check_payable(period: Period, *, latest: Period, approved_from: Period | None = None) -> None:
    """Refuse (422, ``period``) a month after ``latest`` (``latest_payable``), or before
    ``approved_from`` (the household's approval)."""
    if latest < period:
        raise DomainError(
            "period_in_future",
            f"{period} has not begun: the latest month that can be paid today is {latest}",
            field="period",
        )
    if approved_from is not None and period < approved_from:
        raise DomainError(
            "period_before_approval",
            f"{period} is before the approval took effect ({approved_from})",
            field="period",
        )
