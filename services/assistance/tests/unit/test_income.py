"""Which income counts (家庭收入认定): veterans' 抚恤金, 补助金 and 优待金 never do (2024 条例 art. 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_assistance.domain.amounts import monthly_amount, per_capita_income
from minzheng_assistance.domain.income import EXCLUDED_KINDS, IncomeItem, IncomeKind, counted_income

items = st.lists(st.builds(IncomeItem, st.sampled_from(IncomeKind), st.integers(0, 10_000_000)), max_size=12)


def test_the_excluded_kinds_are_the_veterans_pensions_subsidies_and_preferential_payments() -> None:
    assert {
        IncomeKind.VETERANS_PENSION,
        IncomeKind.VETERANS_SUBSIDY,
        IncomeKind.VETERANS_PREFERENTIAL,
    } == EXCLUDED_KINDS
    for kind in ("wages", "business", "property", "transfer", "other"):
        assert IncomeItem(IncomeKind(kind), 1).counted
    for kind in EXCLUDED_KINDS:
        assert not IncomeItem(kind, 1).counted


def test_a_disabled_servicemans_pension_does_not_lift_the_household_above_the_standard() -> None:
    # 200 yuan wages and a 3 000 yuan disability pension a month, a child with 500 yuan 优待金, standard
    # 396 yuan: counted, 1 850 yuan per head is far above it; not counted, (396 − 100) × 2 = 592 yuan
    head = [IncomeItem(IncomeKind.WAGES, 20_000), IncomeItem(IncomeKind.VETERANS_PENSION, 300_000)]
    child = [IncomeItem(IncomeKind.VETERANS_PREFERENTIAL, 50_000)]
    incomes = [counted_income(head), counted_income(child)]
    assert incomes == [20_000, 0]
    assert monthly_amount(39_600, per_capita_income(incomes), 2) == 59_200


@given(items)
def test_counted_income_is_the_sum_of_the_counted_kinds(values: list[IncomeItem]) -> None:
    counted = counted_income(values)
    assert counted == sum(i.monthly_fen for i in values if i.kind not in EXCLUDED_KINDS)
    assert counted_income(i for i in values if i.kind not in EXCLUDED_KINDS) == counted


@given(items, st.sampled_from(sorted(EXCLUDED_KINDS)), st.integers(0, 10_000_000))
def test_adding_excluded_income_never_changes_the_counted_income(
    values: list[IncomeItem], kind: IncomeKind, fen: int
) -> None:
    assert counted_income([*values, IncomeItem(kind, fen)]) == counted_income(values)


def test_negative_income_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        IncomeItem(IncomeKind.WAGES, -1)
