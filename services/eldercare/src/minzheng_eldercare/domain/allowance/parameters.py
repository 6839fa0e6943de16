"""The old-age allowance's standards (高龄津贴标准): data, effective-dated per jurisdiction
(eldercare-rules §3, "Standards (data)"). There is no national amount: a province or a county sets
the bands, the start rule, who is eligible and how often it pays.

Names:

- ``allowance.band.<lower>``: the monthly amount (fen) of the band starting at age ``<lower>``
  (one of ``THRESHOLDS``); a band runs to the next threshold in force, the highest has no upper
  bound; a value of 0 closes the band (a county that drops one);
- ``allowance.start_rule``: 0 ``birthday_month`` (the band of period P is the age reached by P's
  last day: the birthday month counts), 1 ``next_month`` (the age on P's first day) [assume];
- ``allowance.eligibility``: 0 every resident of the county, 1 an income test (monthly income at
  most ``allowance.income_ceiling`` fen, "无固定收入"), 2 低保 recipients only [src-weak];
- ``allowance.mode``: 0 paid monthly, 1 paid once a year (F1 L15), in ``allowance.annual_month``;
- ``allowance.proof_of_life_months``: months after the last proof of life (生存认证) before the
  allowance is suspended [mem: practice];
- ``insurance.premium``: the accident-insurance premium (老年人意外伤害保险), fen per person and
  policy year, paid by the state, for every resident aged ``insurance.min_age`` or more (F0 L221).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

THRESHOLDS: tuple[int, ...] = (60, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110)
"""The ages a band may start at."""

MAX_MONTHLY_FEN = 10_000_000
"""100,000 yuan a month: a sanity ceiling on any allowance standard, not a figure of the law."""


def band_parameter(lower: int) -> str:
    """The parameter of the band starting at ``lower``."""
    if lower not in THRESHOLDS:
        raise ValueError(f"no band starts at {lower}")
    return f"allowance.band.{lower}"


class Parameter(StrEnum):
    """The allowance's other standards, with their bounds."""

    START_RULE = "allowance.start_rule"
    ELIGIBILITY = "allowance.eligibility"
    INCOME_CEILING = "allowance.income_ceiling"
    MODE = "allowance.mode"
    ANNUAL_MONTH = "allowance.annual_month"
    PROOF_OF_LIFE_MONTHS = "allowance.proof_of_life_months"
    INSURANCE_PREMIUM = "insurance.premium"
    INSURANCE_MIN_AGE = "insurance.min_age"

    @property
    def minimum(self) -> int:
        return {Parameter.ANNUAL_MONTH: 1, Parameter.PROOF_OF_LIFE_MONTHS: 1}.get(self, 0)

    @property
    def maximum(self) -> int:
        return {
            Parameter.START_RULE: 1,
            Parameter.ELIGIBILITY: 2,
            Parameter.MODE: 1,
            Parameter.ANNUAL_MONTH: 12,
            Parameter.PROOF_OF_LIFE_MONTHS: 36,
            Parameter.INSURANCE_MIN_AGE: 120,
        }.get(self, MAX_MONTHLY_FEN)


class StartRule(IntEnum):
    BIRTHDAY_MONTH = 0
    NEXT_MONTH = 1


class Eligibility(IntEnum):
    ALL_RESIDENTS = 0
    INCOME_TEST = 1
    DIBAO_ONLY = 2


class Mode(IntEnum):
    MONTHLY = 0
    ANNUAL = 1


DEMO: tuple[tuple[str, str, int], ...] = (
    (band_parameter(80), "2024-01-01", 10_000),
    (band_parameter(90), "2024-01-01", 20_000),
    (band_parameter(100), "2024-01-01", 30_000),
    (band_parameter(80), "2025-01-01", 12_000),
    (Parameter.START_RULE.value, "2024-01-01", StartRule.BIRTHDAY_MONTH),
    (Parameter.ELIGIBILITY.value, "2024-01-01", Eligibility.ALL_RESIDENTS),
    (Parameter.INCOME_CEILING.value, "2024-01-01", 100_000),
    (Parameter.MODE.value, "2024-01-01", Mode.MONTHLY),
    (Parameter.ANNUAL_MONTH.value, "2024-01-01", 12),
    (Parameter.PROOF_OF_LIFE_MONTHS.value, "2024-01-01", 12),
    (Parameter.INSURANCE_PREMIUM.value, "2024-01-01", 3_000),
    (Parameter.INSURANCE_MIN_AGE.value, "2024-01-01", 70),
)
"""Demo county 330727 [assume] (eldercare-rules §3): from 2024-01-01 80–89 10,000 fen, 90–99
20,000, 100+ 30,000 a month; from 2025-01-01 80–89 12,000. Every resident, monthly, birthday
month, proof of life yearly; an accident-insurance premium of 30 yuan a year from age 70 [assume:
not in the catalogue]."""
