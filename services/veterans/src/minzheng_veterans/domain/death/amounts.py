"""The one-off amounts on a death (一次性抚恤金 / 丧葬补助), pure and in exact fen, from the
standards in force on the date of death D (veterans-rules §2, "Death on date D").

Parameters (data, effective-dated per jurisdiction):

- ``death.urban_income``: the previous year's national urban per-capita disposable income
  (上一年度全国城镇居民人均可支配收入), fen a year, in force from 1 January of the year it is
  used in (the 2024 figure, 54,188 yuan, from 2025-01-01);
- ``death.wage_floor``: the monthly wage of a 排职少尉, the floor of the one-off pension's wage
  base, fen a month;
- ``death.funeral_grant``: the local funeral grant (丧葬费) for the other categories, fen [assume].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import StandardsTable

URBAN_INCOME = "death.urban_income"
WAGE_FLOOR = "death.wage_floor"
FUNERAL_GRANT = "death.funeral_grant"

INCOME_YEARS = 20
"""The one-off pension is 20 × the income (2011 条例 art. 13)."""
WAGE_MONTHS = 40
"""… plus 40 months of the wage (art. 13)."""
SURVIVOR_MONTHS = 6
"""A survivor's funeral subsidy is 6 months of the 定期抚恤金 (art. 19)."""

MAX_WAGE_FEN = 10_000_000
"""100,000 yuan a month: a sanity ceiling on a case's wage base, not a figure of the law."""


@dataclass(frozen=True, slots=True)
class OneOff:
    """One amount to pay once, and the standards it was computed from."""

    kind: str
    amount_fen: int
    standard_ids: tuple[str, ...]


def disabled_funeral_subsidy(annual_fen: int, standard_id: str) -> OneOff:
    """丧葬补助 for a disabled serviceman who died of illness: 12 months of the disability pension in
    force on D, which is its annual amount A exactly (art. 28)."""
    return OneOff("funeral_subsidy", annual_fen, (standard_id,))


def survivor_funeral_subsidy(annual_fen: int, standard_id: str) -> OneOff:
    """丧葬补助 for a survivor on 定期抚恤金: 6 months of that pension, ⌊A·6/12⌋ (the first six
    months' shares of A sum to exactly this)."""
    return OneOff("funeral_subsidy", annual_fen * SURVIVOR_MONTHS // 12, (standard_id,))


def funeral_grant(table: StandardsTable, place: str, died_on: date) -> OneOff:
    """The local funeral grant of the other categories (a standard)."""
    s = table.in_force(FUNERAL_GRANT, place, died_on)
    return OneOff("funeral_grant", s.value, (s.standard_id,))


def one_off_pension(table: StandardsTable, place: str, died_on: date, wage_fen: int) -> OneOff:
    """一次性抚恤金 at the 因公牺牲 rate on a death from a recurring war or duty wound:
    20 × the previous year's urban income + 40 × the monthly wage, the wage never below the
    排职少尉 wage in force on D."""
    if not 0 <= wage_fen <= MAX_WAGE_FEN:
        raise DomainError("wage_out_of_range", f"the wage is 0 to {MAX_WAGE_FEN} fen", field="wage_fen")
    income = table.in_force(URBAN_INCOME, place, died_on)
    floor = table.in_force(WAGE_FLOOR, place, died_on)
    amount = INCOME_YEARS * income.value + WAGE_MONTHS * max(wage_fen, floor.value)
    return OneOff("one_off_pension", amount, (income.standard_id, floor.standard_id))


__all__ = [
    "FUNERAL_GRANT",
    "MAX_WAGE_FEN",
    "URBAN_INCOME",
    "WAGE_FLOOR",
    "OneOff",
    "disabled_funeral_subsidy",
    "funeral_grant",
    "one_off_pension",
    "survivor_funeral_subsidy",
]
