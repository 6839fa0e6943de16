"""The allowance's terms for a place and a period (津贴条件): the standards in force on the period's
first day, read once (the daily check reads them once per residence, not once per elder), and the
clock arithmetic of the allowance: when an elder's band may change next, when a proof of life
falls due.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date

from minzheng_contracts.period import Period
from minzheng_kernel.standards import StandardsTable

from .bands import Band, age_for_period, band_for_age, bands_in_force, first_day, start_rule
from .parameters import THRESHOLDS, Eligibility, Parameter, StartRule

DEFAULT_PROOF_MONTHS = 12
"""Where no ``allowance.proof_of_life_months`` is set: a yearly proof (the practice)."""

NEVER = Period(9999, 12)
"""The next change of an elder past the last threshold (or dead): none."""


@dataclass(frozen=True, slots=True)
class Terms:
    """The allowance's standards for one place in one period."""

    bands: tuple[Band, ...]
    rule: StartRule
    eligibility: Eligibility
    income_ceiling_fen: int
    proof_months: int

    def band(self, born: date, period: Period) -> Band | None:
        return band_for_age(self.bands, age_for_period(born, period, self.rule))

    def eligible(self, dibao: bool, monthly_income_fen: int | None) -> bool:
        """By the eligibility standard: every resident, an income test ("无固定收入": a recorded
        income at most the ceiling; none recorded passes), or 低保 recipients only."""
        if self.eligibility is Eligibility.DIBAO_ONLY:
            return dibao
        if self.eligibility is Eligibility.INCOME_TEST:
            return monthly_income_fen is None or monthly_income_fen <= self.income_ceiling_fen
        return True


def terms_for(table: StandardsTable, place: str, period: Period) -> Terms:
    on = first_day(period)
    return Terms(
        bands=bands_in_force(table, place, on),
        rule=start_rule(table, place, on),
        eligibility=Eligibility(table.value_or(Parameter.ELIGIBILITY.value, place, on, 0)),
        income_ceiling_fen=table.value_or(Parameter.INCOME_CEILING.value, place, on, 0),
        proof_months=table.value_or(Parameter.PROOF_OF_LIFE_MONTHS.value, place, on, DEFAULT_PROOF_MONTHS),
    )


@functools.lru_cache(maxsize=65536)
def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def proof_due(last_proof: date, months: int) -> date:
    """The day a proof of life recorded on ``last_proof`` (or the registration) lapses."""
    return add_months(last_proof, months)


@functools.lru_cache(maxsize=65536)
def next_change(born: date, period: Period, rule: StartRule) -> Period:
    """The first period after ``period`` in which the age that decides the band reaches the next
    threshold (of every threshold a band may start at, in force or not); ``NEVER`` past the last."""
    age = age_for_period(born, period, rule)
    above = [t for t in THRESHOLDS if t > age]
    if not above:
        return NEVER
    target = above[0]
    candidate = Period(born.year + target, born.month).previous()
    while age_for_period(born, candidate, rule) < target:
        candidate = candidate.next()
    return candidate if period < candidate else period.next()


@functools.lru_cache(maxsize=4096)
def period_of(day: date) -> Period:
    """``Period.of``, remembered (the check asks it once per elder for one day)."""
    return Period.of(day)


__all__ = ["NEVER", "Terms", "add_months", "next_change", "period_of", "proof_due", "terms_for"]
