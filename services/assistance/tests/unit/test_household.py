"""The 低保 household's decisions: order of the review, the notice period, objections, recheck, death."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_assistance.domain import events as ev
from minzheng_assistance.domain import household as hh
from minzheng_assistance.domain import other_aid as aid
from minzheng_assistance.domain.household import Household, Member, Status, Step
from minzheng_assistance.domain.standards import Parameter, Standard, StandardsTable
from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError
from minzheng_kernel.events import DomainEvent

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
STANDARDS = StandardsTable(
    [
        Standard(Parameter.DIBAO_RURAL, "330727", date(2014, 1, 1), 35_200),
        Standard(Parameter.DIBAO_RURAL, "330727", date(2026, 4, 1), 39_600),
        Standard(Parameter.NOTICE_DAYS, "330727", date(2014, 1, 1), 7),
        Standard(Parameter.MEDICAL_RATE, "330727", date(2014, 1, 1), 7_000),
        Standard(Parameter.MEDICAL_ANNUAL_CAP, "330727", date(2014, 1, 1), 1_000_000),
    ]
)


def fold(state: Household, facts: list[DomainEvent]) -> Household:
    for fact in facts:
        state = hh.evolve(state, fact)
    return state


def applied(*incomes: int, relative: bool = False) -> Household:
    members = [
        Member(f"p{i}", "self" if i == 0 else "child", income, "unemployed")
        for i, income in enumerate(incomes)
    ]
    return fold(
        Household(),
        hh.apply(
            Household(),
            household_id="h1",
            programme="dibao_rural",
            residence="330727101201",
            members=members,
            official_relative=relative,
            applied_at=T0,
        ),
    )


def reviewed(state: Household) -> Household:
    steps = [*hh.REVIEW_ORDER, *([Step.RELATIVE_REVIEW] if state.official_relative else [])]
    for step in steps:
        state = fold(state, hh.record_step(state, step, passed=True, by="o"))
    return state


def on_notice(*incomes: int) -> Household:
    state = reviewed(applied(*incomes))
    return fold(state, hh.post_notice(state, posted_at=T0, standards=STANDARDS))


def test_review_steps_must_come_in_order() -> None:
    state = applied(30_000, 0)
    with pytest.raises(DomainError) as err:
        hh.record_step(state, Step.APPRAISAL, passed=True, by="o")
    assert err.value.code == "step_out_of_order"
    state = fold(state, hh.record_step(state, Step.INVESTIGATION, passed=True, by="o"))
    with pytest.raises(DomainError):
        hh.record_step(state, Step.INVESTIGATION, passed=True, by="o")


def test_relatives_of_officials_need_the_extra_review_before_notice() -> None:
    state = applied(30_000, relative=True)
    for step in hh.REVIEW_ORDER:
        state = fold(state, hh.record_step(state, step, passed=True, by="o"))
    with pytest.raises(DomainError) as err:
        hh.post_notice(state, posted_at=T0, standards=STANDARDS)
    assert err.value.code == "review_not_complete"
    state = fold(state, hh.record_step(state, Step.RELATIVE_REVIEW, passed=True, by="o"))
    assert hh.post_notice(state, posted_at=T0, standards=STANDARDS)[0].event_type == "PublicNoticePosted"


@given(st.integers(min_value=0, max_value=7 * 24 * 60 - 1))
def test_no_approval_before_the_notice_period_ends(minutes: int) -> None:
    state = on_notice(30_000, 0)
    with pytest.raises(DomainError) as err:
        hh.approve(
            state,
            now=T0 + timedelta(minutes=minutes),
            standards=STANDARDS,
            approved_by="c",
            classification=None,
        )
    assert err.value.code == "notice_period_not_over"


def test_approval_after_notice_fixes_the_amount_and_names_the_standard() -> None:
    state = on_notice(30_000, 0)
    [fact] = hh.approve(
        state, now=T0 + timedelta(days=7), standards=STANDARDS, approved_by="c", classification="B"
    )
    assert isinstance(fact, ev.ApprovalGranted)
    assert fact.monthly_amount_fen == (35_200 - 15_000) * 2
    assert fact.standard_id == "dibao_rural:330727:2014-01-01"
    state = fold(state, [fact])
    assert state.status == Status.ACTIVE
    # the amount of a month follows the standard in force that month
    assert state.amount_for(Period(2026, 3), STANDARDS)[0] == 40_400  # type: ignore[index]
    assert state.amount_for(Period(2026, 4), STANDARDS)[0] == 49_200  # type: ignore[index]
    assert state.amount_for(Period(2026, 2), STANDARDS) is None  # before approval


def test_objections_block_approval_until_resolved_and_upheld_ones_for_good() -> None:
    state = on_notice(30_000, 0)
    state = fold(state, hh.raise_objection(state, objection_id="o1", summary="car", at=T0))
    later = T0 + timedelta(days=8)
    with pytest.raises(DomainError) as err:
        hh.approve(state, now=later, standards=STANDARDS, approved_by="c", classification=None)
    assert err.value.code == "open_objection"
    state = fold(state, hh.resolve_objection(state, objection_id="o1", upheld=True, resolution="yes", by="c"))
    with pytest.raises(DomainError) as err:
        hh.approve(state, now=later, standards=STANDARDS, approved_by="c", classification=None)
    assert err.value.code == "objection_upheld"
    assert fold(state, hh.reject(state, reason="car", by="c")).status == Status.REJECTED


def test_income_at_or_above_the_standard_is_not_approved() -> None:
    state = on_notice(35_200)
    with pytest.raises(DomainError) as err:
        hh.approve(
            state, now=T0 + timedelta(days=7), standards=STANDARDS, approved_by="c", classification=None
        )
    assert err.value.code == "income_above_standard"


def active(*incomes: int) -> Household:
    state = on_notice(*incomes)
    return fold(
        state,
        hh.approve(
            state, now=T0 + timedelta(days=7), standards=STANDARDS, approved_by="c", classification=None
        ),
    )


def test_recheck_changes_the_amount_from_next_month_or_terminates() -> None:
    state = active(30_000, 0)
    now = datetime(2026, 4, 15, tzinfo=UTC)
    facts = hh.recheck(state, incomes={"p0": 50_000}, now=now, standards=STANDARDS, by="c")
    assert [f.event_type for f in facts] == ["RecheckCompleted", "AmountChanged"]
    state = fold(state, facts)
    assert state.amount_for(Period(2026, 4), STANDARDS)[0] == 49_200  # type: ignore[index]
    assert state.amount_for(Period(2026, 5), STANDARDS)[0] == (39_600 - 25_000) * 2  # type: ignore[index]
    facts = hh.recheck(state, incomes={"p0": 200_000}, now=now, standards=STANDARDS, by="c")
    assert facts[-1].event_type == "BenefitTerminated"
    assert fold(state, facts).amount_for(Period(2026, 6), STANDARDS) is None


def test_death_of_a_member_pays_fewer_from_next_month_and_of_the_last_ends_it() -> None:
    state = active(30_000, 0)

    def died(state: Household, person: str, on: date) -> list[DomainEvent]:
        return hh.member_died(
            state, resident_id=person, date_of_death=on, registration_id=person, paid=(), standards=STANDARDS
        )

    facts = died(state, "p1", date(2026, 4, 8))
    assert [f.event_type for f in facts] == ["MemberDeceased", "AmountChanged"]
    state = fold(state, facts)
    assert state.recheck_due and len(state.living) == 1
    assert state.amount_for(Period(2026, 4), STANDARDS)[0] == 49_200  # type: ignore[index]
    assert state.amount_for(Period(2026, 5), STANDARDS)[0] == 39_600 - 30_000  # type: ignore[index]
    assert died(state, "p1", date(2026, 4, 8)) == []
    state = fold(state, died(state, "p0", date(2026, 4, 9)))
    assert state.status == Status.TERMINATED
    # paid for the month of death, nothing after
    assert state.amount_for(Period(2026, 4), STANDARDS) is not None
    assert state.amount_for(Period(2026, 5), STANDARDS) is None


def test_negative_income_and_wrong_states_are_refused() -> None:
    with pytest.raises(DomainError) as err:
        applied(-1)
    assert err.value.field == "members.0.monthly_income_fen"
    with pytest.raises(DomainError):
        hh.suspend(applied(0), reason="x", by="c")
    with pytest.raises(DomainError):
        hh.resume(active(0), by="c")


def test_medical_aid_is_paid_up_to_the_annual_cap() -> None:
    year = aid.MedicalYear()
    receipts = [aid.Receipt("R1", 1_000_000)]
    [first] = aid.claim_medical_aid(
        year,
        claim_id="c1",
        beneficiary="p",
        residence="330727",
        receipts=receipts,
        on=date(2026, 3, 1),
        standards=STANDARDS,
    )
    assert isinstance(first, ev.MedicalAidPaid)
    assert (first.paid_fen, first.capped) == (700_000, False)
    year = aid.evolve_medical(year, first)
    [second] = aid.claim_medical_aid(
        year,
        claim_id="c2",
        beneficiary="p",
        residence="330727",
        receipts=receipts,
        on=date(2026, 3, 1),
        standards=STANDARDS,
    )
    assert isinstance(second, ev.MedicalAidPaid)
    assert (second.paid_fen, second.capped, second.cap_remaining_fen) == (
        300_000,
        True,
        0,
    )
    with pytest.raises(DomainError):
        aid.claim_medical_aid(
            year,
            claim_id="c3",
            beneficiary="p",
            residence="330727",
            receipts=[],
            on=date(2026, 3, 1),
            standards=STANDARDS,
        )


@given(st.lists(st.integers(1, 2_000_000), min_size=1, max_size=10))
def test_medical_aid_never_exceeds_the_cap_in_a_year(claims: list[int]) -> None:
    year = aid.MedicalYear()
    for n, amount in enumerate(claims):
        [fact] = aid.claim_medical_aid(
            year,
            claim_id=f"c{n}",
            beneficiary="p",
            residence="330727",
            receipts=[aid.Receipt("r", amount)],
            on=date(2026, 1, 1),
            standards=STANDARDS,
        )
        year = aid.evolve_medical(year, fact)
    assert year.paid_fen == min(1_000_000, sum(a * 7_000 // 10_000 for a in claims))


def test_scenario_objection_then_approval_is_refused() -> None:
    from minzheng_assistance.application.streams import HOUSEHOLD
    from minzheng_eventstore.testing import Scenario

    state = on_notice(30_000, 0)
    history = [
        ev.HouseholdApplied(
            "h1",
            "dibao_rural",
            "330727101201",
            False,
            T0.isoformat(),
            [
                {
                    "resident_id": m.resident_id,
                    "relationship": m.relationship,
                    "monthly_income_fen": m.monthly_income_fen,
                    "employment": m.employment,
                }
                for m in state.members
            ],
        ),
        *[ev.ReviewStepRecorded("h1", "dibao_rural", s.value, True, "o") for s in hh.REVIEW_ORDER],
        ev.PublicNoticePosted("h1", "dibao_rural", T0.isoformat(), (T0 + timedelta(days=7)).isoformat(), "x"),
    ]
    (
        Scenario(HOUSEHOLD)
        .given(*history)
        .when(lambda s: hh.raise_objection(s, objection_id="o1", summary="car", at=T0))
        .then(ev.ObjectionRaised("h1", "dibao_rural", "o1", "car", T0.isoformat()))
    )
    (
        Scenario(HOUSEHOLD)
        .given(*history, ev.ObjectionRaised("h1", "dibao_rural", "o1", "car", T0.isoformat()))
        .when(
            lambda s: hh.approve(
                s, now=T0 + timedelta(days=8), standards=STANDARDS, approved_by="c", classification=None
            )
        )
        .then_refused("open_objection")
    )


def test_a_re_sent_application_changes_nothing_and_another_body_is_refused() -> None:
    state = applied(30_000, 0)
    members = [Member("p0", "self", 30_000, "unemployed"), Member("p1", "child", 0, "unemployed")]
    common = {
        "household_id": "h1",
        "programme": "dibao_rural",
        "residence": "330727101201",
        "official_relative": False,
    }
    later = T0 + timedelta(minutes=5)
    assert hh.apply(state, members=members, applied_at=later, **common) == []  # type: ignore[arg-type]
    with pytest.raises(DomainError) as err:
        hh.apply(state, members=members[:1], applied_at=later, **common)  # type: ignore[arg-type]
    assert err.value.code == "id_reused"


def test_an_application_needs_exactly_one_applicant() -> None:
    common = {
        "household_id": "h",
        "programme": "dibao_rural",
        "residence": "330727101201",
        "official_relative": False,
    }
    for members in (
        [Member("a", "child", 0, "x")],
        [Member("a", "self", 0, "x"), Member("b", "self", 0, "x")],
    ):
        with pytest.raises(DomainError) as err:
            hh.apply(Household(), members=members, applied_at=T0, **common)  # type: ignore[arg-type]
        assert (err.value.code, err.value.field) == ("one_applicant", "members")
