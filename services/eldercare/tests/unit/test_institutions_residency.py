"""The residency's pure rules: admission refused while suspended or closed, leave bounded by the
standard and flagged overdue once, return, visits, discharge and the death's discharge (once)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import make_resident_id
from minzheng_eldercare.application.institutions.streams import RESIDENCY
from minzheng_eldercare.domain.institutions import residency as r
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.standards import Standard, StandardsTable

HOME = "jly-330727101"
PERSON = make_resident_id("330727", date(1944, 5, 6), 27).reveal()
TODAY = date(2026, 3, 2)
OPEN = r.Standing(HOME, "nursing_home", "330727101", admissions_suspended=False, closed=False)
STANDARDS = StandardsTable([Standard("institutions.leave_max_days", "330727", date(2024, 1, 1), 30)])
ADMITTED = r.ResidentAdmitted(
    "res-1", HOME, "nursing_home", "330727101", PERSON, True, "partial", "RZ-1", "2026-02-01", "2026-02-01"
)


def admit(standing: r.Standing | None, **over: object) -> list[object]:
    args: dict[str, object] = {
        "residency_id": "res-1",
        "person": PERSON,
        "is_tekun": True,
        "care_level": r.CareLevel.PARTIAL,
        "agreement_number": "RZ-1",
        "agreement_date": date(2026, 2, 1),
        "admitted_on": date(2026, 2, 1),
        "today": TODAY,
    } | over
    return list(r.admit(r.Residency(), standing, **args))  # type: ignore[arg-type]


def test_an_admission_carries_the_institutions_kind_township_and_tekun() -> None:
    assert admit(OPEN) == [ADMITTED]


def test_the_same_admission_again_changes_nothing_and_other_content_is_id_reused() -> None:
    state = Scenario(RESIDENCY).given(ADMITTED).state
    suspended = r.Standing(HOME, "nursing_home", "330727101", admissions_suspended=True, closed=False)
    common: dict[str, Any] = {
        "residency_id": "res-1",
        "person": PERSON,
        "is_tekun": True,
        "agreement_number": "RZ-1",
        "agreement_date": date(2026, 2, 1),
        "admitted_on": date(2026, 2, 1),
        "today": TODAY,
    }
    assert r.admit(state, suspended, care_level=r.CareLevel.PARTIAL, **common) == []
    try:
        r.admit(state, OPEN, care_level=r.CareLevel.FULL, **common)
    except Conflict as exc:
        assert exc.code == "id_reused"
    else:
        raise AssertionError("another admission under the same id")


def test_no_admission_while_suspended_or_closed_or_into_nothing() -> None:
    for standing, code in (
        (r.Standing(HOME, "nursing_home", "330727101", True, False), "admissions_suspended"),
        (r.Standing(HOME, "nursing_home", "330727101", True, True), "institution_closed"),
    ):
        try:
            admit(standing)
        except Conflict as exc:
            assert exc.code == code
        else:
            raise AssertionError(code)
    try:
        admit(None)
    except NotFound as exc:
        assert exc.code == "institution_not_found"
    else:
        raise AssertionError("admitted into no institution")


def test_an_agreement_after_the_admission_is_refused_on_its_field() -> None:
    try:
        admit(OPEN, agreement_date=date(2026, 2, 2))
    except DomainError as exc:
        assert (exc.code, exc.field) == ("agreement_after_admission", "agreement_date")
    else:
        raise AssertionError("accepted")


def test_leave_is_bounded_by_the_standard() -> None:
    (
        Scenario(RESIDENCY)
        .given(ADMITTED)
        .when(
            lambda s: r.grant_leave(
                s,
                STANDARDS,
                leave_from=date(2026, 3, 1),
                return_by=date(2026, 4, 1),
                reason="探亲",
                today=TODAY,
            )
        )
        .then_refused("leave_too_long")
    )


def test_leave_overdue_is_raised_once_and_only_for_the_current_leave() -> None:
    granted = r.ResidentLeaveGranted("res-1", 1, "2026-03-01", "2026-03-05", "探亲", "s")
    state = Scenario(RESIDENCY).given(ADMITTED, granted).state
    [overdue] = r.leave_overdue(state, 1)
    assert overdue == r.ResidentLeaveOverdue("res-1", 1, "2026-03-05")
    after = RESIDENCY.apply(state, [overdue])
    assert after.leave_overdue and r.leave_overdue(after, 1) == []
    assert r.leave_overdue(state, 2) == []
    returned = RESIDENCY.apply(state, [r.ResidentReturned("res-1", 1, "2026-03-04", False)])
    assert r.leave_overdue(returned, 1) == []


def test_a_return_after_the_date_is_late() -> None:
    granted = r.ResidentLeaveGranted("res-1", 1, "2026-02-20", "2026-02-25", "探亲", "s")
    (
        Scenario(RESIDENCY)
        .given(ADMITTED, granted)
        .when(lambda s: r.return_from_leave(s, returned_on=date(2026, 3, 1), today=TODAY))
        .then(r.ResidentReturned("res-1", 1, "2026-03-01", True))
    )


def test_a_transfer_names_where_to() -> None:
    (
        Scenario(RESIDENCY)
        .given(ADMITTED)
        .when(lambda s: r.discharge(s, destination=r.Destination.TRANSFER, discharged_on=TODAY, today=TODAY))
        .then_refused("transfer_to_required")
    )


def test_a_discharged_resident_takes_no_leave_and_is_not_discharged_again() -> None:
    out = r.ResidentDischarged("res-1", HOME, "nursing_home", "330727101", PERSON, True, "home", "2026-03-01")
    scenario = Scenario(RESIDENCY).given(ADMITTED, out)
    scenario.when(
        lambda s: r.discharge(s, destination=r.Destination.HOME, discharged_on=TODAY, today=TODAY)
    ).then_refused("resident_discharged", Conflict)
    assert r.discharge_at_death(scenario.state, died_on=TODAY, registration_id="x") == []


@given(st.integers(min_value=-40, max_value=40))
def test_a_death_discharges_once_never_before_the_admission(days: int) -> None:
    died = date(2026, 2, 1) + timedelta(days=days)
    state = Scenario(RESIDENCY).given(ADMITTED).state
    [event] = r.discharge_at_death(state, died_on=died, registration_id="reg-1")
    assert isinstance(event, r.ResidentDischarged)
    assert event.destination == "death" and event.death_registration == "reg-1"
    assert date.fromisoformat(event.discharged_on) == max(died, date(2026, 2, 1))
    assert r.discharge_at_death(RESIDENCY.apply(state, [event]), died_on=died, registration_id="reg-2") == []


COMMANDS = st.lists(
    st.tuples(
        st.sampled_from(["leave", "return", "visit", "overdue", "discharge", "death"]), st.integers(0, 6)
    ),
    max_size=25,
)


def command(name: str, s: r.Residency, day: date) -> list[object]:
    today = max(day, TODAY)
    if name == "leave":
        return list(
            r.grant_leave(
                s, STANDARDS, leave_from=day, return_by=day + timedelta(days=3), reason="探亲", today=today
            )
        )
    if name == "return":
        return list(r.return_from_leave(s, returned_on=day, today=today))
    if name == "visit":
        return list(r.record_visit(s, visited_on=day, facility="县医院", reason="复诊", today=today))
    if name == "overdue":
        return list(r.leave_overdue(s, s.leaves))
    if name == "discharge":
        return list(r.discharge(s, destination=r.Destination.HOME, discharged_on=day, today=today))
    return list(r.discharge_at_death(s, died_on=day, registration_id="reg"))


@given(COMMANDS)
def test_any_sequence_keeps_the_stay_coherent(commands: list[tuple[str, int]]) -> None:
    """Whatever the institution records, in any order: a discharge is final and happens once, leave
    is flagged overdue at most once per leave and only while away, refusals change nothing."""
    state = Scenario(RESIDENCY).given(ADMITTED).state
    day = date(2026, 2, 1)
    discharges = 0
    for name, step in commands:
        day += timedelta(days=step)
        try:
            facts = command(name, state, day)
        except DomainError:
            continue
        if state.status is r.Status.DISCHARGED:
            assert facts == [], name
        state = RESIDENCY.apply(state, facts)  # type: ignore[arg-type]
        discharges += sum(isinstance(f, r.ResidentDischarged) for f in facts)
        assert not state.leave_overdue or state.status is r.Status.ON_LEAVE
        assert state.overdue_leaves <= state.leaves
    assert discharges == (1 if state.status is r.Status.DISCHARGED else 0)
