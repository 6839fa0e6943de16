"""The placement area's standards (退役军人安置): data, effective-dated per jurisdiction."""

from __future__ import annotations

from enum import StrEnum


class Parameter(StrEnum):
    """What a placement standard fixes, with its unit."""

    REPORT_DAYS = "placement_report_days"  # 报到期限 after the approved discharge, days (30)
    ARRANGED_WORK_NCO_YEARS = "placement_arranged_work_nco_years"  # 军士 service for 安排工作, years (12)

    @property
    def maximum(self) -> int:
        return 365 if self is Parameter.REPORT_DAYS else 50

    @property
    def minimum(self) -> int:
        return 1


DEMO: tuple[tuple[Parameter, str, int], ...] = (
    (Parameter.REPORT_DAYS, "2024-09-01", 30),
    (Parameter.ARRANGED_WORK_NCO_YEARS, "2024-09-01", 12),
)
"""退役军人安置条例 (国令第787号, in force 2024-09-01): 30 days [src 2011 条例 art. 13; mem: kept in
2024]; 军士 ≥ 12 years [src xingfushuangcheng.com]."""
