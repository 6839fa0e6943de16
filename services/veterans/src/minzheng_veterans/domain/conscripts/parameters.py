"""The conscript allowance's standards (义务兵家庭优待金): every figure is data, effective-dated
per jurisdiction (``minzheng_kernel.standards``), never a constant (veterans-rules §2)."""

from __future__ import annotations

from enum import StrEnum


class Parameter(StrEnum):
    """What a conscript standard fixes, with its unit."""

    ALLOWANCE_ANNUAL = "conscript_allowance_annual"  # 优待金, fen per service year [assume 10,000 yuan]
    SERVICE_YEARS = "conscript_service_years"  # 义务兵服役年限, years (2)
    PAY_MONTH = "conscript_allowance_pay_month"  # month of the service year it is paid in [assume 1]
    MERIT_FIRST_PCT = "conscript_merit_first_pct"  # 一等功 or 荣誉称号, % of the allowance [src-weak 50]
    MERIT_SECOND_PCT = "conscript_merit_second_pct"  # 二等功, % [src-weak 40]
    MERIT_THIRD_PCT = "conscript_merit_third_pct"  # 三等功, % [src-weak 20]

    @property
    def maximum(self) -> int:
        return _MAXIMUM[self]

    @property
    def minimum(self) -> int:
        return _MINIMUM.get(self, 0)


_MAXIMUM = {
    Parameter.ALLOWANCE_ANNUAL: 100_000_000,  # 1,000,000 yuan: a sanity ceiling, not a figure of the law
    Parameter.SERVICE_YEARS: 5,
    Parameter.PAY_MONTH: 12,
    Parameter.MERIT_FIRST_PCT: 1000,
    Parameter.MERIT_SECOND_PCT: 1000,
    Parameter.MERIT_THIRD_PCT: 1000,
}
_MINIMUM = {Parameter.SERVICE_YEARS: 1, Parameter.PAY_MONTH: 1}

DEMO: tuple[tuple[Parameter, str, int], ...] = (
    (Parameter.ALLOWANCE_ANNUAL, "2018-01-01", 1_000_000),
    (Parameter.SERVICE_YEARS, "2018-01-01", 2),
    (Parameter.PAY_MONTH, "2018-01-01", 1),
    (Parameter.MERIT_FIRST_PCT, "2018-01-01", 50),
    (Parameter.MERIT_SECOND_PCT, "2018-01-01", 40),
    (Parameter.MERIT_THIRD_PCT, "2018-01-01", 20),
)
"""The demo rows ``(parameter, effective_from, value)`` loaded for the county [assume: the 优待金
is not in the catalogue, 10,000 yuan per service year; the merit percentages are a Hainan rule]."""
