"""Who is enrolled for a policy year: living, resident, aged at least the minimum on 1 January."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.domain.insurance.eligibility import NotEnrolled, Registered, enrolment


def elder(born: date, *, resident: bool = True, died_on: date | None = None) -> Registered:
    return Registered("e1", "330727195612310011", born, "330727101201", resident, died_on)


def test_seventy_on_1_january_is_enrolled_and_a_day_short_is_not() -> None:
    assert enrolment(elder(date(1957, 1, 1)), 2027, 70) == 70
    assert enrolment(elder(date(1957, 1, 2)), 2027, 70) is NotEnrolled.TOO_YOUNG


def test_the_dead_and_those_moved_away_are_not_enrolled() -> None:
    assert enrolment(elder(date(1940, 1, 1), died_on=date(2026, 5, 1)), 2027, 70) is NotEnrolled.DECEASED
    assert enrolment(elder(date(1940, 1, 1), resident=False), 2027, 70) is NotEnrolled.NOT_RESIDENT


@given(born=st.dates(date(1900, 1, 1), date(2020, 12, 31)), min_age=st.integers(0, 120))
def test_enrolled_exactly_when_the_age_on_1_january_reaches_the_minimum(born: date, min_age: int) -> None:
    got = enrolment(elder(born), 2027, min_age)
    age = 2027 - born.year - ((born.month, born.day) > (1, 1))
    assert got == (age if age >= min_age else NotEnrolled.TOO_YOUNG)
