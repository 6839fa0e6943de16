"""The one-off amounts on a death in exact fen: the funeral subsidies (12 months of the disability
pension, 6 months of the 定期抚恤金), the local funeral grant, the one-off pension
(20 × income + 40 × wage, never below the 排职少尉 wage); properties over any figures."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable, monthly_share
from minzheng_veterans.domain.death import amounts as a

COUNTY = "330727"
VILLAGE = "330727101201"
D = date(2025, 6, 15)
fen = st.integers(min_value=0, max_value=10**10)
wages = st.integers(min_value=0, max_value=a.MAX_WAGE_FEN)


def table(income: int = 5_418_800, floor: int = 600_000, grant: int = 300_000) -> StandardsTable:
    return StandardsTable(
        [
            Standard(a.URBAN_INCOME, "", date(2025, 1, 1), income),
            Standard(a.WAGE_FLOOR, "", date(2020, 1, 1), floor),
            Standard(a.FUNERAL_GRANT, COUNTY, date(2020, 1, 1), grant),
        ]
    )


def test_the_one_off_pension_on_the_2024_income_is_20_times_it_plus_40_wages() -> None:
    one = a.one_off_pension(table(), VILLAGE, D, 800_000)
    assert one.amount_fen == 20 * 5_418_800 + 40 * 800_000 == 140_376_000
    assert one.kind == "one_off_pension"
    assert one.standard_ids == ("death.urban_income::2025-01-01", "death.wage_floor::2020-01-01")


def test_a_wage_below_the_second_lieutenants_is_raised_to_it() -> None:
    assert a.one_off_pension(table(), VILLAGE, D, 1).amount_fen == 20 * 5_418_800 + 40 * 600_000


def test_the_income_of_the_year_before_the_death_applies() -> None:
    t = StandardsTable([*table(), Standard(a.URBAN_INCOME, "", date(2026, 1, 1), 5_700_000)])
    assert a.one_off_pension(t, VILLAGE, date(2025, 12, 31), 0).amount_fen == 20 * 5_418_800 + 40 * 600_000
    assert a.one_off_pension(t, VILLAGE, date(2026, 1, 1), 0).amount_fen == 20 * 5_700_000 + 40 * 600_000


def test_a_wage_out_of_bounds_is_refused_naming_the_field() -> None:
    with pytest.raises(DomainError) as refused:
        a.one_off_pension(table(), VILLAGE, D, a.MAX_WAGE_FEN + 1)
    assert refused.value.field == "wage_fen"
    with pytest.raises(DomainError):
        a.one_off_pension(table(), VILLAGE, D, -1)


def test_no_income_standard_in_force_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        a.one_off_pension(table(), VILLAGE, date(2024, 12, 31), 0)
    assert refused.value.code == "no_standard_in_force"


def test_the_funeral_grant_is_the_local_standard() -> None:
    one = a.funeral_grant(table(grant=250_000), VILLAGE, D)
    assert (one.kind, one.amount_fen) == ("funeral_grant", 250_000)


def test_the_2019_grade_1_war_funeral_subsidy_is_a_year_of_its_pension() -> None:
    assert a.disabled_funeral_subsidy(8_815_000, "s").amount_fen == 8_815_000


def test_the_2019_martyr_survivors_funeral_subsidy_is_half_a_year() -> None:
    assert a.survivor_funeral_subsidy(2_798_000, "s").amount_fen == 1_399_000


@given(fen)
def test_twelve_months_subsidy_is_the_sum_of_twelve_monthly_shares(annual: int) -> None:
    months = sum(monthly_share(annual, m) for m in range(1, 13))
    assert a.disabled_funeral_subsidy(annual, "s").amount_fen == months


@given(fen)
def test_six_months_subsidy_is_the_sum_of_the_first_six_shares_and_never_more_than_half(annual: int) -> None:
    six = a.survivor_funeral_subsidy(annual, "s").amount_fen
    assert six == sum(monthly_share(annual, m) for m in range(1, 7))
    assert 2 * six <= annual < 2 * six + 2


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**7), wages)
def test_the_one_off_pension_is_exact_and_never_below_the_floor(income: int, floor: int, wage: int) -> None:
    amount = a.one_off_pension(table(income=income, floor=floor), VILLAGE, D, wage).amount_fen
    assert amount == 20 * income + 40 * max(wage, floor)
    assert amount >= 20 * income + 40 * floor
    assert a.one_off_pension(table(income=income, floor=floor), VILLAGE, D, min(wage, floor)).amount_fen == (
        20 * income + 40 * floor
    )


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**7), wages, wages)
def test_the_one_off_pension_is_monotonic_in_the_wage_and_the_income(
    income: int, floor: int, w1: int, w2: int
) -> None:
    low, high = sorted((w1, w2))
    t = table(income=income, floor=floor)
    assert (
        a.one_off_pension(t, VILLAGE, D, low).amount_fen <= a.one_off_pension(t, VILLAGE, D, high).amount_fen
    )
    richer = table(income=income + 1, floor=floor)
    assert (
        a.one_off_pension(richer, VILLAGE, D, low).amount_fen
        == a.one_off_pension(t, VILLAGE, D, low).amount_fen + 20
    )
