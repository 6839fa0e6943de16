"""The month's pension: the share of an annual standard, monthly standards, per service year,
a raise from a month, and stacking of several categories."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.domain.pensions.amounts import Due, Rate, annual_fen, month_due
from minzheng_veterans.domain.pensions.stacking import paid_under_stacking

COUNTY = "330727"
VILLAGE = "330727101201"
annuals = st.integers(min_value=0, max_value=10**10)
years = st.integers(min_value=1900, max_value=9998)


def table(*rows: tuple[str, date, int], parameter: str = "p") -> StandardsTable:
    return StandardsTable(Standard(parameter, COUNTY, on, value) for _, on, value in rows)


def year_of(t: StandardsTable, year: int, rate: Rate = Rate.ANNUAL, service_years: int = 1) -> list[Due]:
    return [
        month_due(t, "p", rate, VILLAGE, Period(year, m), service_years=service_years) for m in range(1, 13)
    ]


def test_the_2018_grade_1_war_pension_pays_its_months_in_a_repeating_pattern() -> None:
    t = table(("p", date(2018, 8, 1), 8_014_000))
    months = [d.amount_fen for d in year_of(t, 2019)]
    assert months[:3] == [667_833, 667_833, 667_834]
    assert months == months[:3] * 4
    assert sum(months) == 8_014_000
    assert {d.standard_id for d in year_of(t, 2019)} == {"p:330727:2018-08-01"}


@given(annuals, years)
def test_twelve_months_at_one_standard_sum_to_it(annual: int, year: int) -> None:
    t = table(("p", date(1900, 1, 1), annual))
    assert sum(d.amount_fen for d in year_of(t, year)) == annual


@given(annuals, years, st.integers(min_value=1, max_value=12))
def test_each_month_is_within_one_fen_of_a_twelfth(annual: int, year: int, month: int) -> None:
    t = table(("p", date(1900, 1, 1), annual))
    amount = month_due(t, "p", Rate.ANNUAL, VILLAGE, Period(year, month)).amount_fen
    assert abs(12 * amount - annual) < 12


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=60))
def test_a_monthly_standard_pays_its_value_every_month(value: int, service_years: int) -> None:
    t = table(("p", date(2000, 1, 1), value))
    assert {d.amount_fen for d in year_of(t, 2024, Rate.MONTHLY)} == {value}
    per_year = year_of(t, 2024, Rate.MONTHLY_PER_SERVICE_YEAR, service_years)
    assert {d.amount_fen for d in per_year} == {value * service_years}
    assert per_year[0].annual_fen == 12 * value * service_years


def test_a_rural_veteran_of_three_service_years_gets_105_yuan_a_month() -> None:
    t = table(("p", date(2018, 8, 1), 3_500))
    assert month_due(t, "p", Rate.MONTHLY_PER_SERVICE_YEAR, VILLAGE, Period(2019, 2), service_years=3) == Due(
        Period(2019, 2), 10_500, 126_000, "p:330727:2018-08-01"
    )


def test_service_years_and_values_are_bounded() -> None:
    with pytest.raises(ValueError, match="service years"):
        annual_fen(3_500, Rate.MONTHLY_PER_SERVICE_YEAR, 0)
    with pytest.raises(ValueError, match="service years"):
        annual_fen(3_500, Rate.MONTHLY_PER_SERVICE_YEAR, 61)
    with pytest.raises(ValueError, match="negative"):
        annual_fen(-1, Rate.ANNUAL)


def test_a_raise_from_august_pays_the_new_amount_from_august() -> None:
    t = table(("p", date(2018, 8, 1), 8_014_000), ("p", date(2019, 8, 1), 8_815_000))
    months = year_of(t, 2019)
    assert [d.standard_id for d in months] == ["p:330727:2018-08-01"] * 7 + ["p:330727:2019-08-01"] * 5
    assert [d.amount_fen for d in months[6:8]] == [
        8_014_000 * 7 // 12 - 8_014_000 * 6 // 12,
        8_815_000 * 8 // 12 - 8_815_000 * 7 // 12,
    ]


def test_a_standard_taking_effect_mid_month_applies_from_the_next_month() -> None:
    # A is the standard in force on the 1st of the month
    t = table(("p", date(2019, 1, 1), 1_200), ("p", date(2019, 8, 15), 2_400))
    assert month_due(t, "p", Rate.MONTHLY, VILLAGE, Period(2019, 8)).amount_fen == 1_200
    assert month_due(t, "p", Rate.MONTHLY, VILLAGE, Period(2019, 9)).amount_fen == 2_400


def test_no_standard_in_force_is_refused_naming_it() -> None:
    t = table(("p", date(2019, 8, 1), 1_200))
    with pytest.raises(DomainError) as refused:
        month_due(t, "p", Rate.MONTHLY, VILLAGE, Period(2019, 7))
    assert refused.value.code == "no_standard_in_force"


def due(annual: int) -> Due:
    return Due(Period(2024, 1), annual // 12, annual, f"s{annual}")


def test_stacking_pays_every_category_and_otherwise_only_the_highest() -> None:
    dues = {"b": due(2_404_000), "a": due(8_537_000), "c": due(660_000)}
    assert paid_under_stacking(dues, stack=True) == dues
    assert paid_under_stacking(dues, stack=False) == {"a": dues["a"]}


@given(st.dictionaries(st.text(min_size=1, max_size=4), annuals.map(due), max_size=6), st.randoms())
def test_the_highest_is_chosen_whatever_the_order(dues: dict[str, Due], rnd: object) -> None:
    items = list(dues.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    chosen = paid_under_stacking(dict(items), stack=False)
    assert len(chosen) == min(1, len(dues))
    for eid, d in chosen.items():
        assert all(d.annual_fen >= other.annual_fen for other in dues.values())
        assert eid == min(e for e, o in dues.items() if o.annual_fen == d.annual_fen)
