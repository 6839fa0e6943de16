"""Age and band: the band of a period by the start rule, the open-ended top band, 29 February."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts.period import Period
from minzheng_eldercare.domain.allowance.bands import (
    age_for_period,
    age_on,
    band_for_period,
    bands_in_force,
)
from minzheng_eldercare.domain.allowance.parameters import DEMO, StartRule
from minzheng_kernel.standards import Standard, StandardsTable

COUNTY = "330727"
TABLE = StandardsTable(Standard(p, COUNTY, date.fromisoformat(on), v) for p, on, v in DEMO)


def test_the_demo_bands_and_the_2025_raise() -> None:
    bands = bands_in_force(TABLE, "330727101201", date(2024, 6, 1))
    expected = [("80-89", 10_000), ("90-99", 20_000), ("100+", 30_000)]
    assert [(b.label, b.monthly_fen) for b in bands] == expected
    assert bands_in_force(TABLE, COUNTY, date(2025, 1, 1))[0].monthly_fen == 12_000


def test_the_birthday_month_counts() -> None:
    born = date(1944, 5, 20)
    assert band_for_period(TABLE, COUNTY, born, Period(2024, 4)) is None
    band = band_for_period(TABLE, COUNTY, born, Period(2024, 5))
    assert band is not None and band.label == "80-89"
    assert age_for_period(born, Period(2024, 5), StartRule.NEXT_MONTH) == 79
    assert age_for_period(born, Period(2024, 6), StartRule.NEXT_MONTH) == 80


def test_29_february_reaches_the_age_on_28_february() -> None:
    assert age_on(date(1944, 2, 29), date(2025, 2, 28)) == 81
    assert age_on(date(1944, 2, 29), date(2025, 2, 27)) == 80


@given(age=st.integers(min_value=100, max_value=130))
def test_the_top_band_has_no_upper_bound(age: int) -> None:
    born = date(2024 - age, 1, 1)
    band = band_for_period(TABLE, COUNTY, born, Period(2024, 6))
    assert band is not None and band.label == "100+" and band.upper is None


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(1960, 12, 31)),
    year=st.integers(min_value=2024, max_value=2060),
    month=st.integers(min_value=1, max_value=12),
)
def test_the_band_never_goes_down_from_one_month_to_the_next(born: date, year: int, month: int) -> None:
    this = Period(year, month)
    following = Period(year + month // 12, month % 12 + 1)
    a = band_for_period(TABLE, COUNTY, born, this)
    b = band_for_period(TABLE, COUNTY, born, following)
    assert (a.lower if a else 0) <= (b.lower if b else 0)
