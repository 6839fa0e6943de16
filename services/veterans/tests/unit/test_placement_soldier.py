"""Discharged soldiers over the pure domain: the reporting deadline (a statutory period), late
reports flagged, the waiver only on a flagged or overdue report, the placement mode with the
安排工作 conditions (hypothesis properties), the steps strictly in order, training once per course."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore.testing import Scenario
from minzheng_kernel.calendar import WorkingCalendar, period_end
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.application.placement import queries as q
from minzheng_veterans.application.placement.streams import SOLDIER
from minzheng_veterans.domain.placement import eligibility as e
from minzheng_veterans.domain.placement import soldier as s
from minzheng_veterans.domain.placement.parameters import DEMO

TOWNSHIP = "330727101"
TODAY = date(2026, 11, 30)
TABLE = StandardsTable(Standard(p.value, "330727", date.fromisoformat(d), v) for p, d, v in DEMO)
RECORD = e.ServiceRecord(e.Rank.CONSCRIPT, 2)
NCO = e.ServiceRecord(e.Rank.NCO, 12)


def received(record: e.ServiceRecord = RECORD, approved: date = date(2026, 9, 1)) -> Scenario[s.Soldier]:
    facts = s.receive(
        s.Soldier(),
        TABLE,
        WorkingCalendar(),
        soldier_id="s-1",
        resident_id="330727200001010011",
        residence=TOWNSHIP,
        record=record,
        household=s.Household.RURAL,
        discharge_approved_on=approved,
        today=TODAY,
    )
    return Scenario(SOLDIER).given(*facts)


def test_the_deadline_is_30_days_after_the_discharge_moved_to_a_working_day() -> None:
    # 2026-09-01 + 30 = 2026-10-01 (国庆, declared non-working), 2026-10-03 and -04 a weekend
    holidays = WorkingCalendar(non_working=frozenset(date(2026, 10, d) for d in range(1, 8)))
    [fact] = s.receive(
        s.Soldier(),
        TABLE,
        holidays,
        soldier_id="s-1",
        resident_id="330727200001010011",
        residence=TOWNSHIP,
        record=RECORD,
        household=s.Household.URBAN,
        discharge_approved_on=date(2026, 9, 1),
        today=TODAY,
    )
    assert isinstance(fact, s.DischargedSoldierReceived)
    assert (fact.report_deadline, fact.report_standard_id) == (
        "2026-10-08",
        "placement_report_days:330727:2024-09-01",
    )
    assert received().state.report_deadline == date(2026, 10, 1)


def test_a_report_on_the_last_day_is_on_time_and_a_later_one_flagged_unless_justified() -> None:
    on_time = received().when(
        lambda st: s.report(st, reported_on=date(2026, 10, 1), justification="x", today=TODAY)
    )
    on_time.then(s.DischargedSoldierReported("s-1", "2026-10-01", False, None, False))
    late = received().when(
        lambda st: s.report(st, reported_on=date(2026, 10, 2), justification="  ", today=TODAY)
    )
    assert late.then(s.DischargedSoldierReported("s-1", "2026-10-02", True, None, True)).flagged
    ill = received().when(
        lambda st: s.report(st, reported_on=date(2026, 10, 2), justification="住院", today=TODAY)
    )
    assert not ill.then(s.DischargedSoldierReported("s-1", "2026-10-02", True, "住院", False)).flagged


def test_a_report_is_checked() -> None:
    received().when(
        lambda st: s.report(st, reported_on=date(2026, 8, 31), justification=None, today=TODAY)
    ).then_refused("reported_before_discharge")
    received().when(
        lambda st: s.report(st, reported_on=TODAY + timedelta(days=1), justification=None, today=TODAY)
    ).then_refused("reported_in_future")
    Scenario(SOLDIER).when(
        lambda st: s.report(st, reported_on=TODAY, justification=None, today=TODAY)
    ).then_refused("soldier_not_found", NotFound)
    received().given(s.DischargedSoldierReported("s-1", "2026-09-05", False, None, False)).when(
        lambda st: s.report(st, reported_on=TODAY, justification=None, today=TODAY)
    ).then_refused("already_reported", Conflict)


def test_overdue_is_raised_once_and_not_after_a_report() -> None:
    assert received().when(s.overdue).then(s.ReportingOverdue("s-1", "2026-10-01")).overdue
    received().given(s.ReportingOverdue("s-1", "2026-10-01")).when(s.overdue).then()
    received().given(s.DischargedSoldierReported("s-1", "2026-09-05", False, None, False)).when(
        s.overdue
    ).then()


def test_the_waiver_needs_a_flagged_or_overdue_report() -> None:
    waive = s.waive
    received().when(lambda st: waive(st, reason="r", today=TODAY)).then_refused(
        "not_late_unjustified", Conflict
    )
    justified = received().given(s.DischargedSoldierReported("s-1", "2026-10-09", True, "住院", False))
    justified.when(lambda st: waive(st, reason="r", today=TODAY)).then_refused(
        "not_late_unjustified", Conflict
    )
    flagged = received().given(s.DischargedSoldierReported("s-1", "2026-11-09", True, None, True))
    state = flagged.when(lambda st: waive(st, reason="r", today=TODAY)).then(
        s.PlacementWaived("s-1", TODAY.isoformat(), "r")
    )
    assert state.status == "placement_waived"
    overdue = received().given(s.ReportingOverdue("s-1", "2026-10-01"))
    overdue.when(lambda st: waive(st, reason="r", today=TODAY)).then(
        s.PlacementWaived("s-1", TODAY.isoformat(), "r")
    )
    waived = flagged.given(s.PlacementWaived("s-1", TODAY.isoformat(), "r"))
    waived.when(
        lambda st: s.decide_placement(st, TABLE, mode=s.Mode.SELF_EMPLOYMENT, today=TODAY)
    ).then_refused("placement_waived", Conflict)
    waived.when(lambda st: s.enrol(st, course=s.Course.DRIVING, today=TODAY)).then_refused("placement_waived")


REPORTED = s.DischargedSoldierReported("s-1", "2026-09-05", False, None, False)


def test_arranged_work_needs_a_condition() -> None:
    received().given(REPORTED).when(
        lambda st: s.decide_placement(st, TABLE, mode=s.Mode.ARRANGED_WORK, today=TODAY)
    ).then_refused("not_eligible_for_arranged_work")
    received(NCO).given(REPORTED).when(
        lambda st: s.decide_placement(st, TABLE, mode=s.Mode.ARRANGED_WORK, today=TODAY)
    ).then(
        s.PlacementDecided(
            "s-1",
            "arranged_work",
            TODAY.isoformat(),
            ["nco_years"],
            "placement_arranged_work_nco_years:330727:2024-09-01",
        )
    )
    received().when(
        lambda st: s.decide_placement(st, TABLE, mode=s.Mode.SELF_EMPLOYMENT, today=TODAY)
    ).then_refused("not_reported", Conflict)
    placed = (
        received()
        .given(REPORTED)
        .when(lambda st: s.decide_placement(st, TABLE, mode=s.Mode.SELF_EMPLOYMENT, today=TODAY))
    )
    assert (
        placed.then(s.PlacementDecided("s-1", "self_employment", TODAY.isoformat(), [], None)).status
        == "placed"
    )


ARRANGED = s.PlacementDecided("s-1", "arranged_work", "2026-10-01", ["nco_years"], None)


def test_the_steps_go_strictly_in_order_then_the_post() -> None:
    flow = received(NCO).given(REPORTED, ARRANGED)
    flow.when(lambda st: s.choose_post(st, employer="e", post="p", today=TODAY)).then_refused(
        "step_out_of_order"
    )
    flow.when(lambda st: s.complete_step(st, step=s.Step.INTERVIEW, today=TODAY)).then_refused(
        "step_out_of_order"
    )
    for step in s.STEPS:
        flow.when(functools.partial(s.complete_step, step=step, today=TODAY)).then(
            s.PlacementStepCompleted("s-1", step.value, TODAY.isoformat())
        )
        flow.given(s.PlacementStepCompleted("s-1", step.value, TODAY.isoformat()))
    flow.when(lambda st: s.complete_step(st, step=s.Step.FILE_REVIEW, today=TODAY)).then_refused(
        "step_completed"
    )
    assert flow.state.status == "in_placement"
    done = flow.when(lambda st: s.choose_post(st, employer="县供电公司", post="运维", today=TODAY)).then(
        s.PostChosen("s-1", "县供电公司", "运维", TODAY.isoformat())
    )
    assert done.status == "placed"
    received().given(REPORTED).when(
        lambda st: s.complete_step(st, step=s.Step.WRITTEN_TEST, today=TODAY)
    ).then_refused("not_arranged_work")


def test_training_once_per_course() -> None:
    flow = received()
    flow.when(lambda st: s.enrol(st, course=s.Course.SIYB, today=TODAY)).then(
        s.TrainingEnrolled("s-1", "siyb", TODAY.isoformat())
    )
    flow.given(s.TrainingEnrolled("s-1", "siyb", TODAY.isoformat()))
    flow.when(lambda st: s.enrol(st, course=s.Course.SIYB, today=TODAY)).then_refused("already_enrolled")
    flow.when(lambda st: s.enrol(st, course=s.Course.DRIVING, today=TODAY)).then(
        s.TrainingEnrolled("s-1", "driving", TODAY.isoformat())
    )


# --------------------------------------------------------------------- 安排工作 conditions

records = st.builds(
    e.ServiceRecord,
    rank=st.sampled_from(list(e.Rank)),
    service_years=st.integers(0, 40),
    honours=st.frozensets(st.sampled_from(list(e.Honour))),
    war_disability_grade=st.none() | st.integers(1, 10),
    martyr_child=st.booleans(),
)


def by_the_list(r: e.ServiceRecord, nco_years: int) -> bool:
    """The rules file's list, written out once more, condition by condition."""
    h = r.honours
    return (
        (r.rank is e.Rank.NCO and r.service_years >= nco_years)
        or e.Honour.MEDAL in h
        or e.Honour.HONOUR_TITLE in h
        or bool(
            h
            & {
                e.Honour.THIRD_CLASS_WAR_MERIT,
                e.Honour.SECOND_CLASS_WAR_MERIT,
                e.Honour.FIRST_CLASS_WAR_MERIT,
            }
        )
        or bool(h & {e.Honour.SECOND_CLASS_MERIT, e.Honour.FIRST_CLASS_MERIT})
        or e.Honour.FIRST_LEVEL_COMMENDATION in h
        or (r.war_disability_grade is not None and 5 <= r.war_disability_grade <= 8)
        or r.martyr_child
    )


@given(records, st.integers(1, 30))
def test_eligibility_is_any_one_condition(record: e.ServiceRecord, nco_years: int) -> None:
    assert e.eligible_for_arranged_work(record, nco_years=nco_years) == by_the_list(record, nco_years)


@given(records, st.sampled_from(list(e.Honour)))
def test_an_honour_never_takes_eligibility_away(record: e.ServiceRecord, honour: e.Honour) -> None:
    more = e.ServiceRecord(
        record.rank,
        record.service_years,
        record.honours | {honour},
        record.war_disability_grade,
        record.martyr_child,
    )
    assert set(e.reasons(record, nco_years=12)) <= set(e.reasons(more, nco_years=12))


@given(st.integers(0, 40), st.integers(1, 30))
def test_a_conscript_alone_is_never_eligible_by_years(years: int, nco_years: int) -> None:
    assert not e.eligible_for_arranged_work(e.ServiceRecord(e.Rank.CONSCRIPT, years), nco_years=nco_years)
    nco = e.ServiceRecord(e.Rank.NCO, years)
    assert e.eligible_for_arranged_work(nco, nco_years=nco_years) == (years >= nco_years)


def test_a_third_class_merit_alone_or_a_grade_outside_5_to_8_is_not_a_condition() -> None:
    assert not e.reasons(
        e.ServiceRecord(e.Rank.CONSCRIPT, 2, frozenset({e.Honour.THIRD_CLASS_MERIT})), nco_years=12
    )
    for grade in (1, 4, 9, 10):
        assert not e.reasons(e.ServiceRecord(e.Rank.CONSCRIPT, 2, war_disability_grade=grade), nco_years=12)


@given(
    approved=st.dates(date(2024, 9, 1), date(2026, 6, 30)),
    after=st.integers(0, 120),
    reason=st.none() | st.sampled_from(["", "  ", "住院治疗"]),
)
def test_a_report_is_flagged_exactly_when_late_without_a_reason(
    approved: date, after: int, reason: str | None
) -> None:
    state = received(approved=approved).state
    deadline = period_end(approved, 30, WorkingCalendar())  # the 30th day, past a weekend
    assert state.report_deadline == deadline and deadline.weekday() < 5
    on = approved + timedelta(days=after)
    [fact] = s.report(state, reported_on=on, justification=reason, today=date(2026, 11, 30))
    assert isinstance(fact, s.DischargedSoldierReported)
    assert fact.late == (on > deadline)
    assert fact.flagged == (fact.late and not (reason or "").strip())


def test_the_figures_flag_trainees_beyond_the_soldiers_received() -> None:
    one = received().given(s.TrainingEnrolled("s-1", "driving", "2026-10-01")).state
    assert q.figures([one]).problems == []
    two = (
        received()
        .given(
            s.TrainingEnrolled("s-1", "driving", "2026-10-01"),
            s.TrainingEnrolled("s-1", "e_commerce", "2026-10-02"),
        )
        .state
    )
    figures = q.figures([two])
    assert figures.trainees == {"driving": 1, "e_commerce": 1} and figures.by_group == {"rural": 1}
    assert [p.split(":")[0] for p in figures.problems] == ["trainees_exceed_received"]
