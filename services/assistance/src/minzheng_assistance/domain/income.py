"""Which income counts as household income (家庭收入的认定) for 低保.

A member's income is declared by kind (收入类别). Most kinds count towards the household's per-capita
income; the kinds in :data:`EXCLUDED_KINDS` never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class IncomeKind(StrEnum):
    """Kind of a member's monthly income (收入类别)."""

    WAGES = "wages"  # 工资性收入
    BUSINESS = "business"  # 经营净收入 (incl. farming)
    PROPERTY = "property"  # 财产净收入 (rent, interest)
    TRANSFER = "transfer"  # 转移净收入 (pensions of the social insurance, alimony, support from relatives)
    OTHER = "other"  # 其他收入
    VETERANS_PENSION = "veterans_pension"  # 抚恤金 (定期抚恤金, 残疾抚恤金, 一次性抚恤金)
    VETERANS_SUBSIDY = "veterans_subsidy"  # 补助金 (定期生活补助, 老年生活补助, 丧葬补助费)
    VETERANS_PREFERENTIAL = "veterans_preferential"  # 优待金 (义务兵家庭优待金, 其他优待金)


EXCLUDED_KINDS: Final[frozenset[IncomeKind]] = frozenset(
    {IncomeKind.VETERANS_PENSION, IncomeKind.VETERANS_SUBSIDY, IncomeKind.VETERANS_PREFERENTIAL}
)
"""Income that is not household income (不计入家庭收入).

军人抚恤优待条例 (2024) art. 4: the 抚恤金, 补助金 and 优待金 that entitled persons receive are not
counted as the income of their household when the household's eligibility for social assistance
(such as 最低生活保障) is determined. The veterans service pays them (``PaymentIssued`` v2, producer
veterans).
"""


@dataclass(frozen=True, slots=True)
class IncomeItem:
    """One kind of a member's monthly income, in fen."""

    kind: IncomeKind
    monthly_fen: int

    def __post_init__(self) -> None:
        if self.monthly_fen < 0:
            raise ValueError("income cannot be negative")

    @property
    def counted(self) -> bool:
        """Whether this income counts towards household income (not in :data:`EXCLUDED_KINDS`)."""
        return self.kind not in EXCLUDED_KINDS


def counted_income(items: Iterable[IncomeItem]) -> int:
    """The member's monthly income that counts towards household income: the sum of the items whose
    kind is not excluded (:data:`EXCLUDED_KINDS`, 军人抚恤优待条例 2024 art. 4)."""
    return sum(item.monthly_fen for item in items if item.counted)
