"""The registry's standards (标准) and their bounds: every figure of the rules is data, effective-dated
and scoped to a jurisdiction (``minzheng_kernel.standards``). National law is loaded as rows of the
county (registry-rules §0)."""

from __future__ import annotations

from enum import StrEnum

from minzheng_kernel.configuration import CONFIGURATION_EVENTS, CalendarDaySet, StandardSet


class Parameter(StrEnum):
    """What a registry standard fixes, with its unit."""

    MARRIAGE_AGE_MALE = "marriage_age_male"  # 法定婚龄 (男), years: 22 from 1981-01-01, 20 from 1950-05-01
    MARRIAGE_AGE_FEMALE = (
        "marriage_age_female"  # 法定婚龄 (女), years: 20 from 1981-01-01, 18 from 1950-05-01
    )
    DIVORCE_COOLING_OFF_DAYS = "divorce_cooling_off_days"  # 离婚冷静期, days (30 from 2021-01-01)
    DIVORCE_CERTIFICATE_WINDOW_DAYS = "divorce_certificate_window_days"  # 申请发证期, days (30)
    FUNERAL_FEE_WAIVER_SCOPE = "funeral_fee_waiver_scope"  # 基本殡葬服务费减免范围: see WaiverScope
    PLOT_AREA_MAX_ASHES = "plot_area_max_ashes"  # 骨灰墓穴 (单/双), dm² (100 = 1 m²)
    PLOT_AREA_MAX_BODY_SINGLE = "plot_area_max_body_single"  # 遗体单人墓穴, dm² (400)
    PLOT_AREA_MAX_BODY_DOUBLE = "plot_area_max_body_double"  # 遗体双人合葬墓穴, dm² (600)
    PLOT_USE_YEARS = "plot_use_years"  # 墓穴使用周期, years (20)
    PLOT_KEEP_FOR_SPOUSE = "plot_keep_for_spouse"  # 双穴预留给在世配偶: 1 yes, 0 no [assume]
    ILLEGAL_BURIAL_RECTIFICATION_DAYS = "illegal_burial_rectification_days"  # 整改期限, days [assume 30]
    PLACE_NAME_PUBLICATION_DAYS = "place_name_publication_days"  # 批准后公布期限, days [mem 15]
    PLACE_NAME_UNIQUENESS_SCOPE = (
        "place_name_uniqueness_scope"  # 地名重名范围: 0 county (default), 1 township
    )

    @property
    def maximum(self) -> int:
        return _MAXIMUM.get(self, 100_000)

    @property
    def minimum(self) -> int:
        """The least value that leaves the rule meaningful (0 elsewhere: a period of 0 days, a
        scope or a flag of 0)."""
        return _MINIMUM.get(self, 0)


_MAXIMUM = {
    Parameter.MARRIAGE_AGE_MALE: 40,
    Parameter.MARRIAGE_AGE_FEMALE: 40,
    Parameter.DIVORCE_COOLING_OFF_DAYS: 365,
    Parameter.DIVORCE_CERTIFICATE_WINDOW_DAYS: 365,
    Parameter.FUNERAL_FEE_WAIVER_SCOPE: 2,
    Parameter.PLOT_USE_YEARS: 100,
    Parameter.PLOT_KEEP_FOR_SPOUSE: 1,
    Parameter.ILLEGAL_BURIAL_RECTIFICATION_DAYS: 365,
    Parameter.PLACE_NAME_PUBLICATION_DAYS: 365,
    Parameter.PLACE_NAME_UNIQUENESS_SCOPE: 1,
}


_MINIMUM = {
    # a sanity floor, not a figure of the law (the lowest ages in force were 20/18 in 1950)
    Parameter.MARRIAGE_AGE_MALE: 16,
    Parameter.MARRIAGE_AGE_FEMALE: 16,
    # 0 years: every assignment would expire the day it is made
    Parameter.PLOT_USE_YEARS: 1,
    # 0 dm²: no plot could be laid out at all
    Parameter.PLOT_AREA_MAX_ASHES: 1,
    Parameter.PLOT_AREA_MAX_BODY_SINGLE: 1,
    Parameter.PLOT_AREA_MAX_BODY_DOUBLE: 1,
}


class WaiverScope(StrEnum):
    """Who has the basic funeral fees waived (基本殡葬服务费减免), stored as its ``code``."""

    NONE = "none"
    DIBAO_TEKUN = "dibao_tekun"  # 低保、特困 only
    ALL_RESIDENTS = "all_residents"  # 惠民殡葬: every resident (a pilot from July 2011, A6 L311)

    @property
    def code(self) -> int:
        return _SCOPES.index(self)

    @classmethod
    def of(cls, code: int) -> WaiverScope:
        return _SCOPES[code]


_SCOPES = (WaiverScope.NONE, WaiverScope.DIBAO_TEKUN, WaiverScope.ALL_RESIDENTS)


__all__ = ["CONFIGURATION_EVENTS", "CalendarDaySet", "Parameter", "StandardSet", "WaiverScope"]
