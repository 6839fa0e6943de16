"""The other aid's standards (医疗及其他补助): data, effective-dated per jurisdiction [assume]."""

from __future__ import annotations

from enum import StrEnum


class Parameter(StrEnum):
    """What an aid standard fixes, with its unit."""

    OUTPATIENT_ANNUAL = "aid_outpatient_annual"  # 门诊补助, fen per person and year
    INPATIENT_RATE_PCT = "aid_inpatient_rate_pct"  # 住院补助, % of the out-of-pocket cost
    INPATIENT_CAP = "aid_inpatient_cap"  # 住院补助上限, fen per stay
    HOLIDAY_SPRING_FESTIVAL = "aid_holiday_spring_festival"  # 春节慰问, fen per person
    HOLIDAY_ARMY_DAY = "aid_holiday_army_day"  # 八一慰问, fen per person
    HARDSHIP_MAX = "aid_hardship_max"  # 困难救助上限, fen per person and year

    @property
    def maximum(self) -> int:
        return 100 if self is Parameter.INPATIENT_RATE_PCT else 10_000_000

    @property
    def minimum(self) -> int:
        return 0


DEMO: tuple[tuple[Parameter, str, int], ...] = (
    (Parameter.OUTPATIENT_ANNUAL, "2018-01-01", 100_000),
    (Parameter.INPATIENT_RATE_PCT, "2018-01-01", 50),
    (Parameter.INPATIENT_CAP, "2018-01-01", 500_000),
    (Parameter.HOLIDAY_SPRING_FESTIVAL, "2018-01-01", 130_000),
    (Parameter.HOLIDAY_ARMY_DAY, "2018-01-01", 30_000),
    (Parameter.HARDSHIP_MAX, "2018-01-01", 200_000),
)
"""Demo rows [assume]: the catalogue gives totals only (F0 L165: outpatient 29.8万, inpatient
18.1万 for 51 cases, hardship 9.7万 for 200+ veterans, Spring Festival 9.23万: 71 visits at the
demo 1,300 yuan)."""
