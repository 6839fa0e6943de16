"""A home-care centre's steps over the pure domain: planned → built → accepted → operating, each
only from the one before it (a named refusal otherwise), on a day not before the step before it
nor after today; and a property: any order of steps is accepted exactly as far as it is the order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.domain.centres import centre as c
from minzheng_eventstore.testing import Scenario
from minzheng_eventstore.uow import Aggregate
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

CENTRE: Aggregate[c.Centre] = Aggregate("care-centre", c.CENTRE_EVENTS, c.Centre, c.evolve)
CID = "c1"
VILLAGE = "330727101201"
TODAY = date(2026, 3, 2)
PLANNED = c.CareCentrePlanned(CID, "东门村中心", VILLAGE, "2026-01-15")
BUILT = c.CareCentreBuilt(CID, "2026-02-20")
ACCEPTED = c.CareCentreAccepted(CID, "2026-02-27")


def test_plan_then_each_step_in_order() -> None:
    Scenario(CENTRE).when(
        lambda st: c.plan(
            st, centre_id=CID, name="东门村中心", division=VILLAGE, planned_on=date(2026, 1, 15)
        )
    ).then(PLANNED)
    Scenario(CENTRE).given(PLANNED).when(
        lambda st: c.build(st, built_on=date(2026, 2, 20), today=TODAY)
    ).then(BUILT)
    Scenario(CENTRE).given(PLANNED, BUILT).when(
        lambda st: c.accept(st, accepted_on=date(2026, 2, 27), today=TODAY)
    ).then(ACCEPTED)
    Scenario(CENTRE).given(PLANNED, BUILT, ACCEPTED).when(
        lambda st: c.open_centre(st, opened_on=TODAY, today=TODAY)
    ).then(c.CareCentreOpened(CID, "2026-03-02"))


def test_a_repeated_plan_is_nothing_new_and_another_plan_under_the_id_is_refused() -> None:
    state = CENTRE.apply(c.Centre(), [PLANNED])
    assert (
        c.plan(state, centre_id=CID, name="东门村中心", division=VILLAGE, planned_on=date(2026, 1, 15)) == []
    )
    with pytest.raises(Conflict) as refused:
        c.plan(state, centre_id=CID, name="西门村中心", division=VILLAGE, planned_on=date(2026, 1, 15))
    assert refused.value.code == "id_reused"


def test_out_of_order_steps_are_refused_with_their_rule() -> None:
    Scenario(CENTRE).given(PLANNED).when(
        lambda st: c.accept(st, accepted_on=TODAY, today=TODAY)
    ).then_refused("centre_not_built", Conflict)
    Scenario(CENTRE).given(PLANNED).when(
        lambda st: c.open_centre(st, opened_on=TODAY, today=TODAY)
    ).then_refused("centre_not_accepted", Conflict)
    Scenario(CENTRE).given(PLANNED, BUILT).when(
        lambda st: c.open_centre(st, opened_on=TODAY, today=TODAY)
    ).then_refused("centre_not_accepted", Conflict)
    Scenario(CENTRE).given(PLANNED, BUILT).when(
        lambda st: c.build(st, built_on=TODAY, today=TODAY)
    ).then_refused("centre_already_built", Conflict)
    Scenario(CENTRE).given(PLANNED, BUILT, ACCEPTED).when(
        lambda st: c.accept(st, accepted_on=TODAY, today=TODAY)
    ).then_refused("centre_already_accepted", Conflict)
    Scenario(CENTRE).when(lambda st: c.build(st, built_on=TODAY, today=TODAY)).then_refused(
        "centre_not_found", NotFound
    )


def test_days_are_not_before_the_step_before_nor_after_today() -> None:
    Scenario(CENTRE).given(PLANNED).when(
        lambda st: c.build(st, built_on=date(2026, 1, 14), today=TODAY)
    ).then_refused("built_before_planned")
    Scenario(CENTRE).given(PLANNED).when(
        lambda st: c.build(st, built_on=TODAY + timedelta(days=1), today=TODAY)
    ).then_refused("built_in_future")
    Scenario(CENTRE).given(PLANNED, BUILT).when(
        lambda st: c.accept(st, accepted_on=date(2026, 2, 19), today=TODAY)
    ).then_refused("accepted_before_built")


def test_a_county_code_is_not_a_centres_place() -> None:
    with pytest.raises(DomainError) as refused:
        c.plan(c.Centre(), centre_id=CID, name="x", division="330727", planned_on=TODAY)
    assert (refused.value.code, refused.value.field) == ("not_township_or_village", "division")


STEPS = ("build", "accept", "open")


def _step(state: c.Centre, name: str) -> list[DomainEvent]:
    if name == "build":
        return list(c.build(state, built_on=TODAY, today=TODAY))
    if name == "accept":
        return list(c.accept(state, accepted_on=TODAY, today=TODAY))
    return list(c.open_centre(state, opened_on=TODAY, today=TODAY))


@given(st.lists(st.sampled_from(STEPS), max_size=8))
def test_any_sequence_advances_only_in_order(sequence: list[str]) -> None:
    state = CENTRE.apply(c.Centre(), [PLANNED])
    done = 0
    for name in sequence:
        try:
            facts = _step(state, name)
        except Conflict:
            assert STEPS.index(name) != done
            continue
        assert STEPS.index(name) == done
        state = CENTRE.apply(state, facts)
        done += 1
    assert state.status is (c.Status.PLANNED, c.Status.BUILT, c.Status.ACCEPTED, c.Status.OPERATING)[done]
    assert state.payable == (done >= 2)
