"""The elder's allowance, pure: the start by itself at the first band (both start rules), the band
change at the next threshold, the 2025 raise (no event), a lapsed and a done proof of life, moving
away and back, the end at death; properties: a check is idempotent, ``next_change`` skips no
threshold."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts.period import Period
from minzheng_eldercare.domain.allowance import elder as d
from minzheng_eldercare.domain.allowance import events as ev
from minzheng_eldercare.domain.allowance.bands import age_for_period
from minzheng_eldercare.domain.allowance.parameters import DEMO, THRESHOLDS, Eligibility, Parameter, StartRule
from minzheng_eldercare.domain.allowance.terms import NEVER, add_months, next_change, terms_for
from minzheng_kernel.errors import Conflict
from minzheng_kernel.standards import Standard, StandardsTable

COUNTY = "330727"
VILLAGE = "330727101201"
PERSON = "330727194405200012"


def table(*extra: tuple[str, str, int]) -> StandardsTable:
    return StandardsTable(Standard(p, COUNTY, date.fromisoformat(on), v) for p, on, v in (*DEMO, *extra))


TABLE = table()


def registered(born: date = date(1944, 5, 20), on: date = date(2024, 1, 10), **kw: object) -> d.Elder:
    facts = d.register(
        d.Elder(),
        elder_id="e1",
        person=PERSON,
        born=born,
        residence=VILLAGE,
        registered_on=on,
        source="application",
        dibao=bool(kw.get("dibao", False)),
        monthly_income_fen=kw.get("income"),  # type: ignore[arg-type]
    )
    return d.apply(d.Elder(), facts)


def checked(s: d.Elder, on: date, t: StandardsTable = TABLE) -> tuple[d.Elder, list[str]]:
    facts = d.check(s, terms_for(t, VILLAGE, Period.of(on)), on=on)
    return d.apply(s, facts), [f.event_type for f in facts]


def test_the_allowance_starts_by_itself_in_the_birthday_month() -> None:
    s = registered()
    s, facts = checked(s, date(2024, 4, 30))
    assert facts == [] and s.status is d.Status.PENDING
    s, facts = checked(s, date(2024, 5, 1))
    assert facts == ["AllowanceStarted"]
    assert (s.status, s.band, s.starts) == (d.Status.ACTIVE, "80-89", "2024-05")
    assert checked(s, date(2024, 5, 1))[1] == []


def test_with_the_next_month_rule_it_starts_the_month_after_the_birthday() -> None:
    t = table((Parameter.START_RULE.value, "2024-02-01", StartRule.NEXT_MONTH))
    s = registered()
    s, facts = checked(s, date(2024, 5, 25), t)
    assert facts == []
    s, facts = checked(s, date(2024, 6, 1), t)
    assert facts == ["AllowanceStarted"] and s.starts == "2024-06"


def test_the_band_changes_at_ninety_and_the_2025_raise_is_no_event() -> None:
    s = registered(born=date(1935, 2, 14))
    s, _ = checked(s, date(2024, 1, 10))
    assert s.band == "80-89"
    s, facts = checked(s, date(2025, 1, 1))
    assert facts == []  # 80-89 goes from 10,000 to 12,000 fen: the run reads the amount
    s = d.apply(s, d.record_proof(s, on=date(2025, 1, 5), today=date(2025, 1, 5)))
    s, facts = checked(s, date(2025, 2, 1))
    assert facts == ["AllowanceBandChanged"] and s.band == "90-99"


def test_a_band_added_by_the_standards_is_a_band_change() -> None:
    t = table(("allowance.band.85", "2025-06-01", 15_000))
    s, _ = checked(registered(born=date(1938, 3, 1)), date(2024, 1, 10), t)
    assert s.band == "80-89"
    s = d.apply(s, d.record_proof(s, on=date(2025, 1, 5), today=date(2025, 1, 5)))
    s, facts = checked(s, date(2025, 6, 1), t)
    assert facts == ["AllowanceBandChanged"] and s.band == "85-89"


def test_a_missed_proof_of_life_suspends_and_a_proof_resumes_from_the_next_month() -> None:
    s, _ = checked(registered(born=date(1940, 1, 1)), date(2024, 1, 10))
    s, facts = checked(s, date(2025, 1, 9))
    assert facts == []
    s, facts = checked(s, date(2025, 1, 10))
    assert facts == ["ProofOfLifeLapsed", "AllowanceSuspended"]
    assert s.status is d.Status.SUSPENDED and s.held_from == "2025-02"
    resumed = d.record_proof(s, on=date(2025, 2, 3), today=date(2025, 2, 3))
    assert [type(f) for f in resumed] == [ev.ProofOfLifeRecorded, ev.AllowanceResumed]
    assert resumed[1] == ev.AllowanceResumed("e1", "e1", "2025-03")


def test_moving_away_holds_it_from_the_next_month_and_back_releases_it() -> None:
    s, _ = checked(registered(born=date(1940, 1, 1)), date(2024, 1, 10))
    away = d.move(
        s, residence="330782100200", moved_on=date(2024, 3, 5), within_county=False, today=date(2024, 3, 6)
    )
    assert away[1] == ev.AllowanceSuspended("e1", "e1", "moved_away", "2024-04")
    s = d.apply(s, away)
    assert s.home == VILLAGE and checked(s, date(2024, 4, 1))[1] == []
    back = d.move(s, residence=VILLAGE, moved_on=date(2024, 6, 1), within_county=True, today=date(2024, 6, 1))
    assert back[1] == ev.AllowanceResumed("e1", "e1", "2024-07")


def test_an_elder_away_does_not_start() -> None:
    s = registered()
    s = d.apply(
        s,
        d.move(
            s,
            residence="330782100200",
            moved_on=date(2024, 2, 1),
            within_county=False,
            today=date(2024, 2, 1),
        ),
    )
    assert checked(s, date(2024, 6, 1))[1] == []


def test_dibao_only_and_the_income_test() -> None:
    dibao_only = table((Parameter.ELIGIBILITY.value, "2024-01-02", Eligibility.DIBAO_ONLY))
    assert checked(registered(), date(2024, 6, 1), dibao_only)[1] == []
    assert checked(registered(dibao=True), date(2024, 6, 1), dibao_only)[1] == ["AllowanceStarted"]
    income = table((Parameter.ELIGIBILITY.value, "2024-01-02", Eligibility.INCOME_TEST))
    assert checked(registered(income=150_000), date(2024, 6, 1), income)[1] == []
    assert checked(registered(income=90_000), date(2024, 6, 1), income)[1] == ["AllowanceStarted"]


def test_an_income_test_introduced_later_suspends_a_started_allowance() -> None:
    t = table((Parameter.ELIGIBILITY.value, "2025-03-01", Eligibility.INCOME_TEST))
    s, _ = checked(registered(born=date(1940, 1, 1), income=150_000), date(2024, 1, 10), t)
    s = d.apply(s, d.record_proof(s, on=date(2025, 1, 5), today=date(2025, 1, 5)))
    s, facts = checked(s, date(2025, 3, 1), t)
    assert facts == ["EligibilityChanged", "AllowanceSuspended"] and s.held == (d.Reason.INELIGIBLE,)


def test_a_death_ends_with_the_month_of_death_once() -> None:
    s, _ = checked(registered(born=date(1940, 1, 1)), date(2024, 1, 10))
    facts = d.die(s, died_on=date(2024, 7, 19))
    assert facts == [ev.AllowanceEnded("e1", "e1", PERSON, VILLAGE, "death", "2024-07", "2024-07-19")]
    s = d.apply(s, facts)
    assert s.status is d.Status.ENDED and d.die(s, died_on=date(2024, 7, 19)) == []
    assert checked(s, date(2024, 8, 1))[1] == []


def test_an_elder_not_started_is_marked_dead_and_never_starts() -> None:
    s = d.apply(registered(), d.die(registered(), died_on=date(2024, 3, 1)))
    assert s.status is d.Status.DECEASED
    assert checked(s, date(2024, 5, 1))[1] == []


def test_a_second_registration_names_the_first() -> None:
    with pytest.raises(Conflict, match="e1") as refused:
        d.register(
            registered(),
            elder_id="e2",
            person=PERSON,
            born=date(1944, 5, 20),
            residence=VILLAGE,
            registered_on=date(2024, 2, 1),
            source="application",
            dibao=False,
            monthly_income_fen=None,
        )
    assert refused.value.code == "already_registered"


days = st.dates(min_value=date(2024, 1, 10), max_value=date(2060, 12, 31))
births = st.dates(min_value=date(1910, 1, 1), max_value=date(1985, 12, 31))


@given(born=births, on=days)
def test_a_check_of_the_same_day_again_changes_nothing(born: date, on: date) -> None:
    s, _ = checked(registered(born=born), on)
    assert checked(s, on)[1] == []


@given(born=births, year=st.integers(2024, 2060), month=st.integers(1, 12), rule=st.sampled_from(StartRule))
def test_next_change_skips_no_threshold(born: date, year: int, month: int, rule: StartRule) -> None:
    period = Period(year, month)
    nxt = next_change(born, period, rule)
    reached = max((x for x in THRESHOLDS if x <= age_for_period(born, period, rule)), default=0)
    p = period
    while p < nxt and p < Period(2100, 1):
        assert max((x for x in THRESHOLDS if x <= age_for_period(born, p, rule)), default=0) == reached
        p = p.next()
    if nxt != NEVER:
        assert max((x for x in THRESHOLDS if x <= age_for_period(born, nxt, rule)), default=0) > reached


def test_add_months_keeps_the_day_or_the_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 2), -12) == date(2023, 3, 2)
