"""The conscript family allowance (义务兵家庭优待金) over the pure domain: pay periods fixed at
enlistment, due once per service year while serving, stopped by promotion or discharge, merit
supplements as differences over the year's highest merit; properties over any enlistment date,
end date and merit sequence."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.application.conscripts.streams import CONSCRIPT
from minzheng_veterans.domain.conscripts import conscript as c
from minzheng_veterans.domain.conscripts.parameters import DEMO, Parameter

COUNTY = "330727"
RESIDENT = "330727200503150012"
TODAY = date(2026, 12, 1)
TABLE = StandardsTable(Standard(p.value, COUNTY, date.fromisoformat(d), v) for p, d, v in DEMO)
ENLISTED = c.ConscriptEnlisted(
    "c-1",
    RESIDENT,
    COUNTY,
    "2025-09-10",
    2,
    "conscript_service_years:330727:2018-01-01",
    ["2025-09", "2026-09"],
    "conscript_allowance_pay_month:330727:2018-01-01",
)


def enlist(on: date, table: StandardsTable = TABLE) -> c.Conscript:
    facts = c.enlist(
        c.Conscript(),
        table,
        conscript_id="c-1",
        resident_id=RESIDENT,
        county=COUNTY,
        enlisted_on=on,
        today=TODAY,
    )
    return Scenario(CONSCRIPT).given(*facts).state


def test_enlistment_fixes_one_pay_period_per_service_year() -> None:
    Scenario(CONSCRIPT).when(
        lambda s: c.enlist(
            s,
            TABLE,
            conscript_id="c-1",
            resident_id=RESIDENT,
            county=COUNTY,
            enlisted_on=date(2025, 9, 10),
            today=TODAY,
        )
    ).then(ENLISTED)


def test_the_pay_month_is_a_standard() -> None:
    later = StandardsTable([*TABLE, Standard(Parameter.PAY_MONTH.value, COUNTY, date(2025, 1, 1), 3)])
    assert enlist(date(2025, 11, 10), later).pay_periods == ("2026-01", "2027-01")


def test_a_second_enlistment_and_a_future_one_are_refused() -> None:
    Scenario(CONSCRIPT).given(ENLISTED).when(
        lambda s: c.enlist(
            s,
            TABLE,
            conscript_id="c-1",
            resident_id=RESIDENT,
            county=COUNTY,
            enlisted_on=date(2025, 9, 10),
            today=TODAY,
        )
    ).then_refused("conscript_exists", Conflict)
    Scenario(CONSCRIPT).when(
        lambda s: c.enlist(
            s,
            TABLE,
            conscript_id="c-1",
            resident_id=RESIDENT,
            county=COUNTY,
            enlisted_on=TODAY + timedelta(days=1),
            today=TODAY,
        )
    ).then_refused("enlisted_in_future")


def test_each_service_year_is_due_in_its_pay_period_only() -> None:
    state = Scenario(CONSCRIPT).given(ENLISTED).state
    assert c.allowance_due(state, Period(2025, 9), today=TODAY) == c.Due(1)
    assert c.allowance_due(state, Period(2026, 9), today=TODAY) == c.Due(2)
    assert c.allowance_due(state, Period(2026, 3), today=TODAY) == c.Due(None, "not_a_pay_period")
    assert c.allowance_due(state, Period(2027, 9), today=TODAY) == c.Due(None, "not_a_pay_period")


def test_a_service_year_not_begun_is_not_paid_yet() -> None:
    state = Scenario(CONSCRIPT).given(ENLISTED).state
    got = c.allowance_due(state, Period(2026, 9), today=date(2026, 9, 9))
    assert got == c.Due(None, "service_year_not_begun")


def test_promotion_before_the_second_year_stops_it() -> None:
    ended = c.ConscriptServiceEnded("c-1", "promoted_nco", "2026-09-10")
    state = Scenario(CONSCRIPT).given(ENLISTED, ended).state
    assert c.allowance_due(state, Period(2025, 9), today=TODAY) == c.Due(1)
    assert c.allowance_due(state, Period(2026, 9), today=TODAY) == c.Due(None, "service_ended")
    later = (
        Scenario(CONSCRIPT).given(ENLISTED, c.ConscriptServiceEnded("c-1", "discharged", "2026-09-11")).state
    )
    assert c.allowance_due(later, Period(2026, 9), today=TODAY) == c.Due(2)


def test_ending_the_service_is_checked() -> None:
    Scenario(CONSCRIPT).when(
        lambda s: c.end_service(s, reason=c.EndReason.DISCHARGED, ended_on=TODAY, today=TODAY)
    ).then_refused("conscript_not_found", NotFound)
    given = Scenario(CONSCRIPT).given(ENLISTED)
    given.when(
        lambda s: c.end_service(s, reason=c.EndReason.DISCHARGED, ended_on=date(2025, 9, 1), today=TODAY)
    ).then_refused("ended_before_enlistment")
    given.when(
        lambda s: c.end_service(s, reason=c.EndReason.PROMOTED_OFFICER, ended_on=TODAY, today=TODAY)
    ).then(c.ConscriptServiceEnded("c-1", "promoted_officer", TODAY.isoformat()))
    ended = given.given(c.ConscriptServiceEnded("c-1", "discharged", "2026-01-01"))
    ended.when(
        lambda s: c.end_service(s, reason=c.EndReason.DISCHARGED, ended_on=TODAY, today=TODAY)
    ).then_refused("service_ended", Conflict)


def test_a_merit_pays_its_percentage_of_the_year_and_a_higher_one_the_difference() -> None:
    state = Scenario(CONSCRIPT).given(ENLISTED).state
    facts, due = c.record_merit(
        state, TABLE, merit=c.Merit.THIRD_CLASS, awarded_on=date(2026, 1, 5), document="d1", today=TODAY
    )
    assert facts == [c.ConscriptMeritRecorded("c-1", "third_class", "2026-01-05", 1, "d1")]
    assert due is not None and (due.service_year, due.period, due.pct, due.amount_fen) == (
        1,
        "2025-09",
        20,
        200_000,
    )
    state = CONSCRIPT.apply(state, facts)
    facts, due = c.record_merit(
        state, TABLE, merit=c.Merit.FIRST_CLASS, awarded_on=date(2026, 3, 5), document="d2", today=TODAY
    )
    assert due is not None and (due.pct, due.amount_fen) == (30, 300_000)
    state = CONSCRIPT.apply(state, facts)
    facts, due = c.record_merit(
        state, TABLE, merit=c.Merit.SECOND_CLASS, awarded_on=date(2026, 4, 5), document="d3", today=TODAY
    )
    assert len(facts) == 1 and due is None  # below the year's highest: nothing more
    _, due = c.record_merit(
        state, TABLE, merit=c.Merit.SECOND_CLASS, awarded_on=date(2026, 10, 5), document="d4", today=TODAY
    )
    assert due is not None and (due.service_year, due.pct) == (2, 40)  # a new service year


def test_a_merit_outside_the_service_or_twice_is_refused() -> None:
    given = Scenario(CONSCRIPT).given(ENLISTED, c.ConscriptServiceEnded("c-1", "discharged", "2026-05-01"))
    given.when(
        lambda s: c.record_merit(
            s, TABLE, merit=c.Merit.THIRD_CLASS, awarded_on=date(2026, 6, 1), document="d", today=TODAY
        )[0]
    ).then_refused("not_in_conscript_service")
    given.when(
        lambda s: c.record_merit(
            s, TABLE, merit=c.Merit.THIRD_CLASS, awarded_on=date(2025, 9, 1), document="d", today=TODAY
        )[0]
    ).then_refused("not_in_conscript_service")
    twice = Scenario(CONSCRIPT).given(
        ENLISTED, c.ConscriptMeritRecorded("c-1", "third_class", "2026-01-05", 1, "d")
    )
    twice.when(
        lambda s: c.record_merit(
            s, TABLE, merit=c.Merit.THIRD_CLASS, awarded_on=date(2026, 2, 1), document="d", today=TODAY
        )[0]
    ).then_refused("merit_recorded", Conflict)


days = st.dates(date(2019, 1, 1), date(2024, 12, 31))


@given(enlisted=days, periods=st.lists(st.integers(0, 40), max_size=40))
def test_every_service_year_is_due_in_exactly_one_period(enlisted: date, periods: list[int]) -> None:
    state = enlist(enlisted)
    start = Period.of(enlisted)
    due = []
    period = start
    for _ in range(40):
        got = c.allowance_due(state, period, today=TODAY)
        if got.service_year is not None:
            due.append(got.service_year)
        period = period.next()
    assert due == [1, 2]


@given(enlisted=days, served=st.integers(0, 900))
def test_no_allowance_is_due_for_a_year_begun_after_the_service_ended(enlisted: date, served: int) -> None:
    ended_on = enlisted + timedelta(days=served)
    state = CONSCRIPT.apply(
        enlist(enlisted), [c.ConscriptServiceEnded("c-1", "discharged", ended_on.isoformat())]
    )
    for k, text in enumerate(state.pay_periods, start=1):
        got = c.allowance_due(state, Period.parse(text), today=TODAY)
        assert (got.service_year == k) == (ended_on > state.year_start(k))


merits = st.lists(st.tuples(st.sampled_from(list(c.Merit)), st.integers(0, 360)), max_size=8)


@given(merits=merits)
def test_the_supplements_of_a_year_sum_to_its_highest_merit(merits: list[tuple[c.Merit, int]]) -> None:
    state = enlist(date(2024, 9, 1))
    paid = 0
    accepted: list[c.Merit] = []
    for merit, offset in merits:
        try:
            facts, due = c.record_merit(
                state,
                TABLE,
                merit=merit,
                awarded_on=date(2024, 9, 2) + timedelta(days=offset),
                document="d",
                today=TODAY,
            )
        except Conflict:
            assert merit in accepted
            continue
        accepted.append(merit)
        state = CONSCRIPT.apply(state, facts)
        paid += due.amount_fen if due else 0
    highest = max((TABLE.in_force(m.parameter.value, COUNTY, TODAY).value for m in accepted), default=0)
    assert paid == 1_000_000 * highest // 100


def test_a_backdated_end_records_the_years_paid_after_it_as_overpaid() -> None:
    state = Scenario(CONSCRIPT).given(ENLISTED).state
    [fact] = c.end_service(
        state,
        reason=c.EndReason.PROMOTED_NCO,
        ended_on=date(2026, 9, 1),
        today=TODAY,
        paid_years=frozenset({1, 2}),
    )
    assert fact == c.ConscriptServiceEnded("c-1", "promoted_nco", "2026-09-01", [2])
    assert CONSCRIPT.apply(state, [fact]).overpaid_years == (2,)
    [later] = c.end_service(
        state,
        reason=c.EndReason.DISCHARGED,
        ended_on=date(2026, 9, 11),
        today=TODAY,
        paid_years=frozenset({1, 2}),
    )
    assert isinstance(later, c.ConscriptServiceEnded) and later.overpaid_years == []
