"""Registration (备案) and beds, pure: a township, bounded beds, never fewer beds than occupied;
unregistered homes' cases close once."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.application.institutions.streams import INSTITUTION, UNREGISTERED
from minzheng_eldercare.domain.institutions import institution as i
from minzheng_eldercare.domain.institutions import unregistered as u
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, DomainError

TODAY = date(2026, 3, 2)
REGISTERED = i.InstitutionRegistered(
    "jly-1", "城关镇敬老院", "nursing_home", "330727101", 10, "public_built_private_run", "2026-03-01"
)


REGISTER: dict[str, Any] = {
    "institution_id": "jly-1",
    "name": "城关镇敬老院",
    "kind": i.Kind.NURSING_HOME,
    "township": "330727101",
    "beds": 10,
    "model": i.OperatingModel.PUBLIC_BUILT_PRIVATE_RUN,
    "registered_on": date(2026, 3, 1),
    "today": TODAY,
}


def register(**over: Any) -> list[object]:
    return list(i.register(i.Institution(), **(REGISTER | over)))


def test_a_registration_records_the_kind_township_beds_and_model() -> None:
    assert register() == [REGISTERED]


def test_an_institution_is_registered_in_a_township() -> None:
    try:
        register(township="330727101201")
    except DomainError as exc:
        assert (exc.code, exc.field) == ("not_a_township", "township")
    else:
        raise AssertionError("a village accepted")


def test_the_same_registration_again_changes_nothing_and_other_content_is_id_reused() -> None:
    assert i.register(Scenario(INSTITUTION).given(REGISTERED).state, **REGISTER) == []
    (
        Scenario(INSTITUTION)
        .given(REGISTERED)
        .when(
            lambda s: i.register(
                s,
                institution_id="jly-1",
                name="x",
                kind=i.Kind.PRIVATE,
                township="330727101",
                beds=1,
                model=i.OperatingModel.PRIVATE,
                registered_on=TODAY,
                today=TODAY,
            )
        )
        .then_refused("id_reused", Conflict)
    )


@given(st.integers(min_value=-10, max_value=10).filter(bool), st.integers(min_value=0, max_value=10))
def test_beds_never_fall_below_the_occupied(change: int, occupied: int) -> None:
    state = Scenario(INSTITUTION).given(REGISTERED).state
    try:
        [event] = i.change_beds(state, change=change, occupied=occupied, on=TODAY, today=TODAY)
    except Conflict as exc:
        assert exc.code == "beds_occupied" and 10 + change < occupied
        return
    except DomainError as exc:
        assert exc.code == "beds_out_of_range" and 10 + change < 0
        return
    after = INSTITUTION.apply(state, [event])
    assert after.beds == 10 + change >= occupied
    assert isinstance(event, i.BedsAdded if change > 0 else i.BedsRemoved)


def test_an_unregistered_homes_case_closes_once() -> None:
    reported = u.UnregisteredHomeReported("c1", "托老点", "330727103", "某村", 5, "2026-03-01")
    scenario = Scenario(UNREGISTERED).given(reported, u.UnregisteredHomeClosedDown("c1", "2026-03-02", ""))
    assert scenario.state.status is u.CaseStatus.CLOSED_DOWN and not scenario.state.open
    scenario.when(lambda s: u.registered(s, institution_id="x", on=TODAY, today=TODAY)).then_refused(
        "case_closed", Conflict
    )
