"""A 特困 case's support mode from a month on (eldercare's admissions and discharges): centralised
(集中供养) from the month after an admission to a 敬老院, dispersed (分散供养) from the month after a
discharge; exactly once per fact, never for a case not active, and paid month by month at the mode
in force in that month."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_assistance.application.streams import TEKUN
from minzheng_assistance.domain import events as ev
from minzheng_assistance.domain import other_aid as aid
from minzheng_assistance.domain.other_aid import ModeFrom, SupportMode, TekunSupport
from minzheng_assistance.domain.overpayments import PaidMonth
from minzheng_assistance.domain.standards import Parameter, Standard, StandardsTable
from minzheng_contracts import Period
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.events import DomainEvent

CASE = "c1"
PLACE = "330727101201"
CENTRALISED, DISPERSED = SupportMode.CENTRALISED, SupportMode.DISPERSED
STANDARDS = StandardsTable(
    [
        Standard(Parameter.TEKUN_DISPERSED, "330727", date(2014, 1, 1), 60_000),
        Standard(Parameter.TEKUN_CENTRALISED, "330727", date(2014, 1, 1), 80_000),
        Standard(Parameter.TEKUN_CENTRALISED, "330727", date(2026, 7, 1), 85_000),
    ]
)
CONFIRMED = ev.TekunSupportConfirmed(CASE, "p1", PLACE, "dispersed", "o", "2026-03-02T09:00:00+08:00")


def scenario(*history: DomainEvent) -> Scenario[TekunSupport]:
    return Scenario(TEKUN).given(CONFIRMED, *history)


def admitted(on: date, residency: str = "r1") -> ev.SupportModeChanged:
    """The fact the admission of ``on`` records on a dispersed case."""
    return ev.SupportModeChanged(
        CASE,
        "centralised",
        aid.RESIDENCY_ACTOR,
        from_mode="dispersed",
        effective_from=str(Period.of(on).next()),
        cause=f"admitted/{residency}",
    )


def change(
    state: TekunSupport,
    mode: SupportMode,
    on: date,
    cause: str = "admitted/r1",
    paid: list[PaidMonth] | None = None,
) -> list[DomainEvent]:
    return aid.change_mode_from(
        state,
        mode=mode,
        effective_from=Period.of(on).next(),
        cause=cause,
        cause_date=on,
        paid=paid or [],
        standards=STANDARDS,
    )


def test_an_admission_makes_the_case_centralised_from_the_next_month() -> None:
    state = (
        scenario().when(lambda s: change(s, CENTRALISED, date(2026, 4, 10))).then(admitted(date(2026, 4, 10)))
    )
    assert [state.mode_in(Period(2026, m)) for m in (3, 4, 5, 6)] == [
        DISPERSED,
        DISPERSED,
        CENTRALISED,
        CENTRALISED,
    ]
    assert state.amount_for(Period(2026, 4), STANDARDS) is not None
    assert [state.amount_for(Period(2026, m), STANDARDS)[0] for m in (4, 5, 7)] == [60_000, 80_000, 85_000]  # type: ignore[index]


def test_an_admission_on_the_last_day_of_december_counts_from_january() -> None:
    state = scenario(admitted(date(2026, 12, 31))).state
    assert (state.mode_in(Period(2026, 12)), state.mode_in(Period(2027, 1))) == (DISPERSED, CENTRALISED)


def test_the_same_admission_taken_in_again_changes_nothing() -> None:
    scenario(admitted(date(2026, 4, 10))).when(lambda s: change(s, CENTRALISED, date(2026, 4, 10))).then()


def test_another_message_for_the_same_mode_from_the_same_month_changes_nothing() -> None:
    # a second admission (another residency id) in the same month: centralised from May already
    scenario(admitted(date(2026, 4, 10))).when(
        lambda s: change(s, CENTRALISED, date(2026, 4, 20), cause="admitted/r2")
    ).then()


def test_a_case_already_centralised_is_not_changed() -> None:
    confirmed = ev.TekunSupportConfirmed(CASE, "p1", PLACE, "centralised", "o", "2026-03-02T09:00:00+08:00")
    Scenario(TEKUN).given(confirmed).when(lambda s: change(s, CENTRALISED, date(2026, 4, 10))).then()


def test_a_case_not_active_is_not_changed() -> None:
    ended = ev.TekunSupportEnded(CASE, "death", "2026-04")
    scenario(ended).when(lambda s: change(s, CENTRALISED, date(2026, 4, 10))).then()
    Scenario(TEKUN).when(lambda s: change(s, CENTRALISED, date(2026, 4, 10))).then()


def test_a_discharge_makes_the_case_dispersed_again_from_the_month_after_it() -> None:
    state = (
        scenario(admitted(date(2026, 4, 10)))
        .when(lambda s: change(s, DISPERSED, date(2026, 8, 3), cause="discharged/r1"))
        .then(
            ev.SupportModeChanged(
                CASE, "dispersed", aid.RESIDENCY_ACTOR, "centralised", "2026-09", "discharged/r1"
            )
        )
    )
    modes = [state.mode_in(Period(2026, m)) for m in (4, 5, 8, 9)]
    assert modes == [DISPERSED, CENTRALISED, CENTRALISED, DISPERSED]
    assert state.mode == DISPERSED


def test_a_discharge_in_the_month_of_admission_leaves_the_case_dispersed() -> None:
    state = (
        scenario(admitted(date(2026, 4, 10)))
        .when(lambda s: change(s, DISPERSED, date(2026, 4, 25), cause="discharged/r1"))
        .then(
            ev.SupportModeChanged(
                CASE, "dispersed", aid.RESIDENCY_ACTOR, "centralised", "2026-05", "discharged/r1"
            )
        )
    )
    assert state.modes == (ModeFrom(None, DISPERSED), ModeFrom(Period(2026, 5), DISPERSED))
    assert {state.mode_in(Period(2026, m)) for m in range(3, 13)} == {DISPERSED}


def test_a_discharge_reported_late_records_the_months_paid_centralised_after_it_as_overpaid() -> None:
    paid = [PaidMonth(Period(2026, m), f"pay-{m}", 80_000) for m in (5, 6)]
    facts = change(
        scenario(admitted(date(2026, 4, 10))).state, DISPERSED, date(2026, 5, 20), "discharged/r1", paid
    )
    assert len(facts) == 2 and isinstance(facts[1], ev.TekunOverpaymentRecorded)
    over = facts[1]
    assert (over.overpayment_id, over.reason, over.cause_date, over.total_fen) == (
        "mode/discharged/r1",
        "mode_changed",
        "2026-05-20",
        20_000,
    )
    assert [(m["period"], m["paid_fen"], m["due_fen"]) for m in over.months] == [("2026-06", 80_000, 60_000)]


def test_an_undated_mode_change_holds_for_every_month() -> None:
    state = scenario(
        admitted(date(2026, 4, 10)), ev.SupportModeChanged(CASE, "dispersed", "o", "centralised")
    ).state
    assert state.modes == (ModeFrom(None, DISPERSED),)
    assert {state.mode_in(Period(2026, m)) for m in range(1, 13)} == {DISPERSED}


def test_an_officer_setting_the_pending_mode_for_every_month_is_a_change() -> None:
    # centralised from May by the admission; the officer makes it centralised for April too
    state = (
        scenario(admitted(date(2026, 4, 10)))
        .when(lambda s: aid.change_mode(s, mode=CENTRALISED, by="o"))
        .then(ev.SupportModeChanged(CASE, "centralised", "o", from_mode="centralised"))
    )
    assert state.mode_in(Period(2026, 4)) == CENTRALISED
    Scenario(TEKUN).given(CONFIRMED).when(lambda s: aid.change_mode(s, mode=DISPERSED, by="o")).then()


def test_the_stored_form_of_an_undated_change_is_unchanged() -> None:
    undated = ev.SupportModeChanged(CASE, "centralised", "o", "dispersed")
    assert undated.to_data() == {"case_id": CASE, "from": "dispersed", "to": "centralised", "by": "o"}
    dated = admitted(date(2026, 4, 10))
    assert ev.TEKUN_EVENTS.load("SupportModeChanged", dated.to_data()) == dated


# ------------------------------------------------------------------------------------ properties

months = st.builds(Period, st.integers(2024, 2028), st.integers(1, 12))
facts = st.lists(
    st.tuples(st.sampled_from([CENTRALISED, DISPERSED]), months, st.integers(1, 4)), min_size=1, max_size=8
)


@given(facts)
def test_every_fact_taken_in_twice_changes_nothing_the_second_time(
    changes: list[tuple[SupportMode, Period, int]],
) -> None:
    state = TEKUN.apply(TEKUN.initial(), [CONFIRMED])
    for n, (mode, period, residency) in enumerate(changes):
        cause = f"{mode.value}/r{residency}-{n}"
        first = change(state, mode, period.first_day, cause)
        state = TEKUN.apply(state, first)
        assert change(state, mode, period.first_day, cause) == []
        assert change(state, mode, period.first_day, f"{cause}-copy") == []


@given(facts, months)
def test_the_last_change_holds_from_its_month_and_earlier_months_keep_theirs(
    changes: list[tuple[SupportMode, Period, int]], probe: Period
) -> None:
    state = TEKUN.apply(TEKUN.initial(), [CONFIRMED])
    for n, (mode, period, _) in enumerate(changes):
        before = state.mode_in(probe)
        state = TEKUN.apply(state, change(state, mode, period.previous().first_day, f"f{n}"))
        expected = mode if period <= probe else before
        assert state.mode_in(probe) == expected
        assert state.mode == mode
