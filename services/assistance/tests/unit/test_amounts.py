"""Benefit arithmetic and effective-dated standards (pure, property-tested)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_assistance.domain.amounts import monthly_amount, per_capita_income, reimbursement
from minzheng_assistance.domain.standards import Parameter, Standard, StandardsTable
from minzheng_kernel.errors import DomainError

incomes = st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=12)


def test_the_catalogue_example() -> None:
    # rural standard 396 yuan; a family of two with 300 yuan between them: (396 − 150) × 2 = 492 yuan
    assert monthly_amount(39_600, per_capita_income([30_000, 0]), 2) == 49_200


@given(incomes)
def test_per_capita_is_rounded_down_and_never_above_the_true_mean(values: list[int]) -> None:
    pc = per_capita_income(values)
    assert pc * len(values) <= sum(values) < (pc + 1) * len(values)


@given(st.integers(0, 5_000_000), incomes)
def test_amount_is_the_gap_times_members_and_never_negative(standard: int, values: list[int]) -> None:
    pc = per_capita_income(values)
    amount = monthly_amount(standard, pc, len(values))
    assert amount >= 0
    assert amount == (max(0, standard - pc) * len(values))
    assert amount % len(values) == 0


@given(st.integers(0, 5_000_000), incomes, st.integers(1, 100_000))
def test_a_higher_standard_never_pays_less(standard: int, values: list[int], raise_by: int) -> None:
    pc = per_capita_income(values)
    assert monthly_amount(standard + raise_by, pc, len(values)) >= monthly_amount(standard, pc, len(values))


@given(st.integers(0, 10**9), st.integers(0, 10_000))
def test_reimbursement_is_exact_and_bounded(eligible: int, rate: int) -> None:
    paid = reimbursement(eligible, rate)
    assert 0 <= paid <= eligible and paid == eligible * rate // 10_000


def test_invalid_arithmetic_inputs() -> None:
    with pytest.raises(ValueError):
        per_capita_income([])
    with pytest.raises(ValueError):
        per_capita_income([-1])
    with pytest.raises(ValueError):
        monthly_amount(100, 0, 0)
    with pytest.raises(ValueError):
        reimbursement(100, 10_001)


TABLE = StandardsTable(
    [
        Standard(Parameter.DIBAO_URBAN, "330727", date(2014, 1, 1), 48_800),
        Standard(Parameter.DIBAO_URBAN, "330727", date(2015, 3, 1), 52_800),
        Standard(Parameter.DIBAO_URBAN, "330727101", date(2015, 6, 1), 53_000),
        Standard(Parameter.DIBAO_RURAL, "330727", date(2014, 1, 1), 35_200),
    ]
)


def test_the_standard_in_force_moves_on_its_effective_date() -> None:
    assert TABLE.in_force(Parameter.DIBAO_URBAN, "330727102201", date(2015, 2, 28)).value == 48_800
    assert TABLE.in_force(Parameter.DIBAO_URBAN, "330727102201", date(2015, 3, 1)).value == 52_800


def test_the_most_specific_jurisdiction_wins() -> None:
    assert TABLE.in_force(Parameter.DIBAO_URBAN, "330727101201", date(2015, 5, 31)).value == 52_800
    assert TABLE.in_force(Parameter.DIBAO_URBAN, "330727101201", date(2015, 6, 1)).value == 53_000
    assert TABLE.in_force(Parameter.DIBAO_URBAN, "330727101201", date(2015, 6, 1)).standard_id == (
        "dibao_urban:330727101:2015-06-01"
    )


def test_no_standard_is_a_clear_error() -> None:
    with pytest.raises(DomainError) as err:
        TABLE.in_force(Parameter.DIBAO_RURAL, "330727101201", date(2013, 12, 31))
    assert err.value.code == "no_standard_in_force"
    with pytest.raises(DomainError):
        TABLE.in_force(Parameter.DIBAO_URBAN, "330728101201", date(2020, 1, 1))


@given(st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31)))
def test_in_force_is_the_latest_effective_not_after_the_day(day: date) -> None:
    chosen = TABLE.in_force(Parameter.DIBAO_URBAN, "330727102201", day)
    assert chosen.effective_from <= day
    later = [
        s
        for s in TABLE
        if s.parameter == Parameter.DIBAO_URBAN
        and s.jurisdiction == "330727"
        and chosen.effective_from < s.effective_from <= day
    ]
    assert not later
    assert TABLE.in_force(Parameter.DIBAO_URBAN, "330727102201", day + timedelta(days=0)) == chosen
