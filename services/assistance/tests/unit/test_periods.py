"""The period rule of payments (``domain.periods``): a month is payable when it is not after the
county's current month plus the lead time, and not before the household's approval."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_assistance.domain.periods import (
    LAST,
    check_payable,
    county_today,
    latest_payable,
    plus_months,
)
from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError

periods = st.builds(Period, st.integers(1900, 9999), st.integers(1, 12))
days = st.dates(date(1990, 1, 1), date(2100, 12, 31))
leads = st.integers(0, 12)


def step(period: Period, months: int) -> Period:
    for _ in range(months):
        if period == LAST:
            break
        period = period.next()
    return period


@given(periods, st.integers(0, 40))
def test_plus_months_is_that_many_next_months(period: Period, months: int) -> None:
    assert plus_months(period, months) == step(period, months)


@given(period=periods, today=days, lead=leads)
def test_a_period_is_payable_exactly_when_it_is_not_after_the_current_one_plus_the_lead(
    period: Period, today: date, lead: int
) -> None:
    latest = latest_payable(today, lead)
    allowed = period <= step(Period.of(today), lead)
    try:
        check_payable(period, latest=latest)
    except DomainError as refused:
        assert not allowed
        assert (refused.code, refused.field) == ("period_in_future", "period")
    else:
        assert allowed


@given(period=periods, approved=periods, today=days)
def test_a_period_before_the_approval_is_refused(period: Period, approved: Period, today: date) -> None:
    latest = latest_payable(today, 0)
    try:
        check_payable(period, latest=latest, approved_from=approved)
    except DomainError as refused:
        assert refused.field == "period"
        assert period < approved or latest < period
    else:
        assert approved <= period <= latest


@given(today=days, lead=leads)
def test_the_current_month_is_always_payable_and_the_one_after_the_lead_never(today: date, lead: int) -> None:
    current = Period.of(today)
    check_payable(current, latest=latest_payable(today, lead))
    with pytest.raises(DomainError, match="has not begun"):
        check_payable(plus_months(current, lead + 1), latest=latest_payable(today, lead))


def test_the_current_month_is_the_county_s_not_utc_s() -> None:
    # 16:30 UTC on 31 March is 00:30 on 1 April in the county: April can be paid
    now = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert county_today(now) == date(2026, 4, 1)
    check_payable(Period(2026, 4), latest=latest_payable(county_today(now), 0))
    with pytest.raises(DomainError):
        check_payable(Period(2026, 4), latest=latest_payable(now.date(), 0))


def test_9999_12_is_never_payable_today() -> None:
    with pytest.raises(DomainError) as refused:
        check_payable(Period(9999, 12), latest=latest_payable(date(2026, 12, 2), 0))
    assert refused.value.code == "period_in_future"
