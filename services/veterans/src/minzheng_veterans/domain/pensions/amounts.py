"""The month's pension (定期抚恤金 / 生活补助 按月发放) under the standards in force.

A pension standard is either annual (disabled servicemen, the survivors' 定期抚恤金, 三红: yuan a
year) or monthly (带病回乡, 参战参试, 烈士老年子女: yuan a month); the rural veterans aged 60 and
over (60周岁以上农村籍退役士兵) are paid a monthly figure *per year of service*. Whatever the
unit, the month is paid as the month's share of an annual amount A (registry-rules §0):

    amount(m) = ⌊A·m/12⌋ − ⌊A·(m−1)/12⌋,   A in force on the 1st of month m,

so twelve months at one standard sum to exactly A, and a monthly standard (A = 12 × value) pays
its value every month. A standard raised from a month pays the new amount from that month on.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from minzheng_contracts import Period
from minzheng_kernel.standards import StandardsTable, monthly_share

MAX_SERVICE_YEARS = 60
"""Bound on the years of service a rural veteran's pension multiplies (no one serves longer)."""


class Rate(enum.Enum):
    """How a pension standard's value is expressed (its unit)."""

    ANNUAL = "fen_per_year"
    MONTHLY = "fen_per_month"
    MONTHLY_PER_SERVICE_YEAR = "fen_per_month_per_service_year"


@dataclass(frozen=True, slots=True)
class Due:
    """What one entitlement is due for one month, and the standard that says so."""

    period: Period
    amount_fen: int
    annual_fen: int
    standard_id: str


def annual_fen(value: int, rate: Rate, service_years: int = 1) -> int:
    """A standard's value as the annual amount A that the months share."""
    if value < 0:
        raise ValueError("a standard's value is never negative")
    if rate is Rate.ANNUAL:
        return value
    if rate is Rate.MONTHLY:
        return 12 * value
    if not 1 <= service_years <= MAX_SERVICE_YEARS:
        raise ValueError(f"service years must be 1..{MAX_SERVICE_YEARS}")
    return 12 * value * service_years


def month_due(
    table: StandardsTable,
    parameter: str,
    rate: Rate,
    place: str,
    period: Period,
    *,
    service_years: int = 1,
) -> Due:
    """The month's amount under the standard of ``parameter`` in force for ``place`` on the 1st of
    ``period`` (refused ``no_standard_in_force`` where none is)."""
    standard = table.in_force(parameter, place, period.first_day)
    annual = annual_fen(standard.value, rate, service_years)
    return Due(period, monthly_share(annual, period.month), annual, standard.standard_id)


__all__ = ["MAX_SERVICE_YEARS", "Due", "Rate", "annual_fen", "month_due"]
