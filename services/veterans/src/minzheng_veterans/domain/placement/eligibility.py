"""Eligibility for 安排工作 (arranged work), pure (退役军人安置条例 2024): any one of

- a 军士 with at least the standard's years of service (12);
- a 勋章 or an honour title (荣誉称号);
- a 三等战功 or higher war merit, or a 二等功 or higher merit;
- a 一级表彰;
- a 因战 disability of grade 5–8;
- a child of a martyr (烈士子女).

``reasons`` names every condition met, so an answer shows why; eligible when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Honour(StrEnum):
    """A decoration or merit on the service record (奖惩)."""

    MEDAL = "medal"  # 勋章
    HONOUR_TITLE = "honour_title"  # 荣誉称号
    FIRST_CLASS_WAR_MERIT = "first_class_war_merit"  # 一等战功
    SECOND_CLASS_WAR_MERIT = "second_class_war_merit"  # 二等战功
    THIRD_CLASS_WAR_MERIT = "third_class_war_merit"  # 三等战功
    FIRST_CLASS_MERIT = "first_class_merit"  # 一等功
    SECOND_CLASS_MERIT = "second_class_merit"  # 二等功
    THIRD_CLASS_MERIT = "third_class_merit"  # 三等功 (alone: not a condition)
    FIRST_LEVEL_COMMENDATION = "first_level_commendation"  # 一级表彰


class Rank(StrEnum):
    """The soldier's rank group at discharge."""

    NCO = "nco"  # 军士
    CONSCRIPT = "conscript"  # 义务兵


class Reason(StrEnum):
    NCO_YEARS = "nco_years"
    MEDAL_OR_TITLE = "medal_or_title"
    MERIT = "merit"
    COMMENDATION = "commendation"
    WAR_DISABILITY = "war_disability"
    MARTYR_CHILD = "martyr_child"


_MEDAL_OR_TITLE = frozenset({Honour.MEDAL, Honour.HONOUR_TITLE})
_MERIT = frozenset(
    {
        Honour.FIRST_CLASS_WAR_MERIT,
        Honour.SECOND_CLASS_WAR_MERIT,
        Honour.THIRD_CLASS_WAR_MERIT,
        Honour.FIRST_CLASS_MERIT,
        Honour.SECOND_CLASS_MERIT,
    }
)
WAR_DISABILITY_GRADES = range(5, 9)
"""因战 disability grades 5–8 (1–4 are 供养; the band is the 条例's, not a standard)."""


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """What decides 安排工作."""

    rank: Rank
    service_years: int
    honours: frozenset[Honour] = frozenset()
    war_disability_grade: int | None = None
    """因战 disability grade (1–10), if any."""
    martyr_child: bool = False


def reasons(record: ServiceRecord, *, nco_years: int) -> list[Reason]:
    """Every condition for 安排工作 the record meets (``nco_years``: the standard in force)."""
    found = []
    if record.rank is Rank.NCO and record.service_years >= nco_years:
        found.append(Reason.NCO_YEARS)
    if record.honours & _MEDAL_OR_TITLE:
        found.append(Reason.MEDAL_OR_TITLE)
    if record.honours & _MERIT:
        found.append(Reason.MERIT)
    if Honour.FIRST_LEVEL_COMMENDATION in record.honours:
        found.append(Reason.COMMENDATION)
    if record.war_disability_grade in WAR_DISABILITY_GRADES:
        found.append(Reason.WAR_DISABILITY)
    if record.martyr_child:
        found.append(Reason.MARTYR_CHILD)
    return found


def eligible_for_arranged_work(record: ServiceRecord, *, nco_years: int) -> bool:
    return bool(reasons(record, nco_years=nco_years))
