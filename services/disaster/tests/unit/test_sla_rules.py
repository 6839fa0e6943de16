"""The SLA outcome and the report rules, pure and property-tested."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_disaster.domain.incident import check_quantities, check_report
from minzheng_disaster.domain.sla import Clock, Outcome, SlaTerms, outcome
from minzheng_eventstore.errors import DomainError

REPORT = datetime(2026, 7, 14, 6, 0, tzinfo=UTC)
CLOCK = Clock.start(REPORT, SlaTerms())
minutes = st.integers(min_value=0, max_value=72 * 60)


def test_clock_counts_from_the_report() -> None:
    assert CLOCK.warn_at == REPORT + timedelta(hours=18)
    assert CLOCK.deadline == REPORT + timedelta(hours=24)
    with pytest.raises(ValueError):
        SlaTerms(deadline=timedelta(hours=24), warning=timedelta(hours=30))


@given(minutes, minutes)
def test_outcome_follows_the_first_delivery_and_the_deadline(delivered_after: int, now_after: int) -> None:
    delivered = REPORT + timedelta(minutes=delivered_after)
    now = max(delivered, REPORT + timedelta(minutes=now_after))
    result = outcome(CLOCK, delivered, now)
    assert result == (Outcome.MET if delivered <= CLOCK.deadline else Outcome.BREACHED)


@given(minutes)
def test_without_delivery_pending_until_the_deadline_then_breached(now_after: int) -> None:
    now = REPORT + timedelta(minutes=now_after)
    assert outcome(CLOCK, None, now) == (Outcome.PENDING if now < CLOCK.deadline else Outcome.BREACHED)


@given(minutes, minutes, minutes)
def test_outcome_never_changes_once_decided(delivered_after: int, a: int, b: int) -> None:
    """Replay at any later time gives the same answer: the outcome depends on event times only."""
    delivered = REPORT + timedelta(minutes=delivered_after)
    later = [max(delivered, CLOCK.deadline) + timedelta(minutes=x) for x in (a, b)]
    assert outcome(CLOCK, delivered, later[0]) == outcome(CLOCK, delivered, later[1])


def test_report_rules() -> None:
    now = REPORT + timedelta(hours=1)
    check_report(
        happened_at=REPORT - timedelta(hours=1),
        reported_at=REPORT,
        now=now,
        area=["330727101"],
        county="330727",
    )
    cases = [
        (REPORT, REPORT + timedelta(hours=2), ["330727101"], "report_in_future"),
        (REPORT, REPORT - timedelta(minutes=1), ["330727101"], "report_before_occurrence"),
        (REPORT - timedelta(hours=1), REPORT, ["330728101"], "area_outside_county"),
    ]
    for happened, reported, area, code in cases:
        with pytest.raises(DomainError) as err:
            check_report(happened_at=happened, reported_at=reported, now=now, area=area, county="330727")
        assert err.value.code == code


@given(st.dictionaries(st.sampled_from(["quilt", "rice_kg", "tent"]), st.integers(-5, 5)), st.integers(-5, 5))
def test_quantities_are_never_negative(items: dict[str, int], cash: int) -> None:
    if cash < 0 or any(v < 0 for v in items.values()) or (cash == 0 and not any(items.values())):
        with pytest.raises(DomainError):
            check_quantities(items, cash, "delivery")
    else:
        check_quantities(items, cash, "delivery")
