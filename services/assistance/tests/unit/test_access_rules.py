"""The access rules that are decisions, tested without a stack: maker-checker on approval, the
standards' dates, the policy table's shape, and how a caller's division bounds a list filter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from minzheng_assistance.adapters.policy import ASSISTANCE_POLICY, PERSONAL_DATA_ROLES, STEP_PERMISSIONS
from minzheng_assistance.application.jurisdiction import narrow, require_county
from minzheng_assistance.application.streams import HOUSEHOLD
from minzheng_assistance.domain import events as ev
from minzheng_assistance.domain import household as hh
from minzheng_assistance.domain.household import Household, Member, Step
from minzheng_assistance.domain.standards import Parameter, Standard, StandardsTable, check_effective_from
from minzheng_eventstore import Actor
from minzheng_eventstore.identity import Role
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import DomainError, Forbidden

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
STANDARDS = StandardsTable(
    [
        Standard(Parameter.DIBAO_RURAL, "330727", date(2014, 1, 1), 35_200),
        Standard(Parameter.NOTICE_DAYS, "330727", date(2014, 1, 1), 7),
    ]
)
H, P = "h1", "dibao_rural"


def history(investigator: str) -> list[ev.HouseholdApplied | ev.ReviewStepRecorded | ev.PublicNoticePosted]:
    applied = hh.apply(
        Household(),
        household_id=H,
        programme=P,
        residence="330727101201",
        members=[Member("p0", "self", 10_000, "unemployed")],
        official_relative=False,
        applied_at=T0,
    )
    steps = [
        ev.ReviewStepRecorded(H, P, step.value, True, investigator if step == Step.INVESTIGATION else "rev-1")
        for step in hh.REVIEW_ORDER
    ]
    notice = ev.PublicNoticePosted(H, P, T0.isoformat(), (T0 + timedelta(days=7)).isoformat(), "n")
    return [*applied, *steps, notice]  # type: ignore[list-item]


def approve(by: str) -> object:
    return lambda s: hh.approve(
        s, now=T0 + timedelta(days=8), standards=STANDARDS, approved_by=by, classification=None
    )


# ------------------------------------------------------------------------------ maker-checker


def test_whoever_recorded_the_home_investigation_cannot_approve() -> None:
    scenario = Scenario(HOUSEHOLD).given(*history("cw-1"))
    assert scenario.state.investigated_by == "cw-1"
    refused = scenario.when(approve("cw-1")).then_refused("same_official_investigated", Forbidden)  # type: ignore[arg-type]
    assert refused.field == "household_id" and "cw-1" in refused.message


def test_another_official_approves_and_is_recorded_as_the_approver() -> None:
    state = (
        Scenario(HOUSEHOLD)
        .given(*history("cw-1"))
        .when(approve("ap-1"))
        .then(  # type: ignore[arg-type]
            ev.ApprovalGranted(
                H,
                P,
                category="rural",
                classification=None,
                member_count=1,
                per_capita_income_fen=10_000,
                standard_id="dibao_rural:330727:2014-01-01",
                standard_monthly_fen=35_200,
                monthly_amount_fen=25_200,
                effective_from="2026-03",
                approved_by="ap-1",
            )
        )
    )
    assert state.status == hh.Status.ACTIVE


def test_the_other_review_steps_do_not_bar_their_officials_from_approving() -> None:
    # only the home investigation is the maker: the reviewer of the later steps may be the approver
    [fact] = approve("rev-1")(Scenario(HOUSEHOLD).given(*history("cw-1")).state)  # type: ignore[operator]
    assert isinstance(fact, ev.ApprovalGranted) and fact.approved_by == "rev-1"


def test_a_failed_investigation_still_names_its_official() -> None:
    state = Scenario(HOUSEHOLD).given(*history("cw-1")[:1]).state
    state = hh.evolve(state, ev.ReviewStepRecorded(H, P, "investigation", False, "cw-2"))
    assert state.investigated_by == "cw-2"


# ------------------------------------------------------------------------------ standards' dates

TODAY = date(2026, 3, 2)


def refused(code: str, effective: date, correction: str | None) -> DomainError:
    with pytest.raises(DomainError) as err:
        check_effective_from(effective, TODAY, correction=correction)
    assert err.value.code == code, err.value
    return err.value


def test_a_standard_takes_effect_today_or_later() -> None:
    check_effective_from(TODAY, TODAY, correction=None)
    check_effective_from(TODAY + timedelta(days=300), TODAY, correction=None)
    error = refused("standard_in_the_past", TODAY - timedelta(days=1), None)
    assert error.field == "effective_from" and "correction" in error.message


def test_a_past_date_is_a_correction_with_a_reason() -> None:
    check_effective_from(date(2014, 1, 1), TODAY, correction="entered late")
    assert refused("reason_required", date(2014, 1, 1), "  ").field == "reason"
    # a "correction" from today on would let the approver set tomorrow's standards
    assert refused("not_a_correction", TODAY, "why not").field == "effective_from"
    refused("not_a_correction", TODAY + timedelta(days=1), "why not")


def test_a_corrections_reason_is_on_its_event() -> None:
    event = ev.StandardSet("dibao_rural:330727:2026-01-01", 44_200, "entered late")
    assert event.to_data() == {
        "standard_id": "dibao_rural:330727:2026-01-01",
        "value": 44_200,
        "correction": "entered late",
    }
    # events recorded before the field existed load as no correction
    assert ev.ALL_EVENTS.load("StandardSet", {"standard_id": "x", "value": 1}).correction is None  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------ the policy table


def test_the_table_gives_the_operator_only_operations_and_provincial_integration_nothing() -> None:
    for name, roles in ASSISTANCE_POLICY:
        assert Role.PROVINCIAL not in roles, name
        # the operator (运维) holds the kit's operations permissions (metrics, reads, re-drive), no case work
        assert (Role.OPERATOR in roles) == name.startswith("operations."), name
        assert roles, name


def test_the_table_separates_the_steps_and_the_county_decisions() -> None:
    roles = ASSISTANCE_POLICY.roles
    assert roles(STEP_PERMISSIONS[Step.INVESTIGATION]) == {Role.TOWNSHIP_CASEWORKER}
    assert roles(STEP_PERMISSIONS[Step.APPRAISAL]) == {Role.TOWNSHIP_REVIEWER}
    for county in ("household.approve", "payment.run", "payment.household", "standard.correct"):
        assert roles(county) == {Role.COUNTY_APPROVER}, county
    assert roles("standard.set") == {Role.STANDARDS_OFFICER}
    # the divisions are the registry's: no role registers one here
    assert "division.register" not in ASSISTANCE_POLICY
    # the auditor reads and never writes
    reads = (".read", ".timeline", ".summary")
    writes = [n for n, r in ASSISTANCE_POLICY if Role.AUDITOR in r and not n.endswith(reads)]
    assert writes == []
    assert {Role.AUDITOR, Role.TOWNSHIP_CASEWORKER} <= PERSONAL_DATA_ROLES
    assert Role.VILLAGE_ASSISTANT not in PERSONAL_DATA_ROLES and Role.OPERATOR not in PERSONAL_DATA_ROLES


# ------------------------------------------------------------------------------ jurisdiction


def test_a_list_filter_is_narrowed_to_the_callers_division_or_refused_outside_it() -> None:
    township = Actor("t", jurisdiction="330727101")
    assert narrow(township, None, "village") == "330727101"
    assert narrow(township, "330727", "village") == "330727101"  # wider: narrowed
    assert narrow(township, "330727101201", "village") == "330727101201"  # inside: as given
    with pytest.raises(Forbidden) as err:
        narrow(township, "330727102201", "village")
    assert (err.value.code, err.value.field) == ("outside_jurisdiction", "village")
    assert narrow(Actor("tool"), None, "village") is None  # the service's own tools: no bound


def test_the_payment_run_needs_the_whole_county() -> None:
    require_county(Actor("c", jurisdiction="330727"), "330727", "period", "the run")
    require_county(Actor("tool"), "330727", "period", "the run")
    with pytest.raises(Forbidden) as err:
        require_county(Actor("t", jurisdiction="330727101"), "330727", "period", "the run")
    assert (err.value.code, err.value.field) == ("outside_jurisdiction", "period")
