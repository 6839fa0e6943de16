"""The return checks and the reports' figures, pure: a total against its parts, flagged only when
every figure of a check is stated; rates exact to two decimals; an order's status on a day."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.domain.reports import figures as f
from minzheng_eldercare.domain.reports import returns as r

counts = st.integers(min_value=0, max_value=10**9)


@given(st.lists(counts, min_size=3, max_size=3), st.integers(min_value=-5, max_value=5))
def test_a_total_is_flagged_exactly_when_it_is_not_the_sum_of_its_parts(parts: list[int], off: int) -> None:
    figures = dict(zip(("rectified", "closed", "in_progress"), parts, strict=True))
    figures["institutions"] = sum(parts) + off
    found = r.mismatches(figures)
    assert [m.check for m in found] == ([] if off == 0 else ["institutions_by_outcome"])
    if off:
        assert (found[0].stated, found[0].parts_sum) == (sum(parts) + off, sum(parts))


def test_a_check_with_a_part_missing_is_not_run_and_hazards_are_checked_both_ways() -> None:
    assert r.mismatches({"hazards": 81, "hazards_public": 51}) == []
    both = r.mismatches(
        {
            "hazards": 81,
            "hazards_public": 50,
            "hazards_private": 30,
            "hazards_fixed": 53,
            "hazards_in_progress": 27,
        }
    )
    assert [m.check for m in both] == ["hazards_by_sector", "hazards_by_status"]


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**7))
def test_rates_are_exact_to_two_decimals_rounded_half_up(part: int, whole: int) -> None:
    text = f.beds_per_thousand(part, whole)
    assert text is not None
    hundredths = int(text.replace(".", ""))
    exact = part * 1000 * 100
    assert abs(hundredths * whole - exact) * 2 <= whole  # within half a hundredth


def test_rates_of_nothing_are_none_and_known_figures() -> None:
    assert f.occupancy_percent(1, 0) is None
    assert f.occupancy_percent(2, 30) == "6.67"
    assert f.beds_per_thousand(444, 11_100) == "40.00"
    assert f.beds_per_thousand(30, 7000) == "4.29"


def test_an_orders_status_on_a_day_follows_its_recorded_steps() -> None:
    order = f.OrderDays(date(2026, 3, 2), date(2026, 3, 29), date(2026, 4, 2), date(2026, 4, 10))
    assert f.order_status(order, date(2026, 3, 1)) is None
    assert f.order_status(order, date(2026, 3, 28)) is f.OrderStatus.OPEN
    assert f.order_status(order, date(2026, 3, 29)) is f.OrderStatus.AT_RISK
    assert f.order_status(order, date(2026, 4, 2)) is f.OrderStatus.OVERDUE
    assert f.order_status(order, date(2026, 4, 10)) is f.OrderStatus.COMPLETED
    never = f.OrderDays(date(2026, 3, 2), None, None, None)
    assert f.order_status(never, date(2030, 1, 1)) is f.OrderStatus.OPEN
