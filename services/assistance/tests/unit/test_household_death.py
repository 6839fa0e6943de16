"""The date-of-death rule (registry-rules §0 "Death"): paid for the month of death, stopped from the
next month counted from ``date_of_death``; months paid after it are an overpayment, never a negative
payment. And the rechecks other offices flag (a marriage, a divorce)."""

from __future__ import annotations

from datetime import date, timedelta

from minzheng_assistance.application.streams import HOUSEHOLD
from minzheng_assistance.domain import events as ev
from minzheng_assistance.domain import household as hh
from minzheng_assistance.domain.household import Household, Status
from minzheng_assistance.domain.overpayments import PaidMonth
from minzheng_contracts import Period
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.events import DomainEvent

from .test_household import STANDARDS, T0, active

H = "h1"
P = "dibao_rural"
REG = "0d3a0000-0000-4000-8000-000000000001"


def paid(*months: tuple[int, int, int]) -> list[PaidMonth]:
    return [PaidMonth(Period(y, m), f"pay-{y}-{m:02}", amount) for y, m, amount in months]


def approved(*incomes: int) -> list[DomainEvent]:
    """The events of a household approved from 2026-03, decided step by step."""
    facts: list[DomainEvent] = []
    state = Household()

    def take(new: list[DomainEvent]) -> None:
        nonlocal state
        facts.extend(new)
        for fact in new:
            state = hh.evolve(state, fact)

    members = [
        hh.Member(f"p{i}", "self" if i == 0 else "child", income, "unemployed")
        for i, income in enumerate(incomes)
    ]
    take(
        hh.apply(
            state,
            household_id=H,
            programme=P,
            residence="330727101201",
            members=members,
            official_relative=False,
            applied_at=T0,
        )
    )
    for step in hh.REVIEW_ORDER:
        take(hh.record_step(state, step, passed=True, by="o"))
    take(hh.post_notice(state, posted_at=T0, standards=STANDARDS))
    take(
        hh.approve(
            state, now=T0 + timedelta(days=7), standards=STANDARDS, approved_by="c", classification=None
        )
    )
    return facts


def scenario(*incomes: int) -> Scenario[Household]:
    return Scenario(HOUSEHOLD).given(*approved(*incomes))


def died(person: str, on: date, months: list[PaidMonth], registration: str = REG):  # type: ignore[no-untyped-def]
    def decide(state: Household) -> list[DomainEvent]:
        return hh.member_died(
            state,
            resident_id=person,
            date_of_death=on,
            registration_id=registration,
            paid=months,
            standards=STANDARDS,
        )

    return decide


def test_a_late_registration_records_the_months_paid_after_the_month_of_death_as_an_overpayment() -> None:
    # a sole member, approved from March 2026, dies in March 2027; registered in June after
    # April-June were paid (39,600 a month from 2026-04)
    months = paid((2027, 3, 39_600), (2027, 4, 39_600), (2027, 5, 39_600), (2027, 6, 39_600))
    state = (
        scenario(0)
        .when(died("p0", date(2027, 3, 31), months))
        .then(
            ev.MemberDeceased(H, P, "p0", "2027-03-31", REG),
            ev.BenefitTerminated(H, P, "death", "2027-04"),
            ev.OverpaymentRecorded(
                H,
                P,
                f"death/{REG}",
                "death",
                "2027-03-31",
                [
                    ev.OverpaidMonth(
                        period=f"2027-0{m}",
                        payment_id=f"pay-2027-0{m}",
                        paid_fen=39_600,
                        due_fen=0,
                        overpaid_fen=39_600,
                    )
                    for m in (4, 5, 6)
                ],
                3 * 39_600,
            ),
        )
    )
    assert state.status == Status.TERMINATED and state.ends_from == Period(2027, 4)
    assert state.amount_for(Period(2027, 3), STANDARDS) is not None  # the month of death is due
    assert state.amount_for(Period(2027, 4), STANDARDS) is None
    assert [o.total_fen for o in state.overpayments] == [118_800]


def test_a_death_in_a_larger_household_overpays_the_difference_from_the_next_month() -> None:
    # two members, incomes 30,000 and 0: 2 × (39,600 − 15,000) = 49,200 a month; one dies in
    # January 2027, February and March were paid for two: due for one 39,600 − 30,000 = 9,600
    months = paid((2027, 1, 49_200), (2027, 2, 49_200), (2027, 3, 49_200))
    facts = died("p1", date(2027, 1, 20), months)(active(30_000, 0))
    assert [f.event_type for f in facts] == ["MemberDeceased", "AmountChanged", "OverpaymentRecorded"]
    changed, over = facts[1], facts[2]
    assert isinstance(changed, ev.AmountChanged) and changed.effective_from == "2027-02"
    assert changed.monthly_amount_fen == 9_600
    assert isinstance(over, ev.OverpaymentRecorded)
    assert [(m["period"], m["overpaid_fen"]) for m in over.months] == [
        ("2027-02", 39_600),
        ("2027-03", 39_600),
    ]
    assert over.total_fen == 79_200


def test_a_death_registered_in_its_own_month_is_paid_for_that_month_and_nothing_after() -> None:
    state = active(0)
    facts = died("p0", date(2026, 5, 12), paid((2026, 4, 39_600)))(state)
    assert [f.event_type for f in facts] == ["MemberDeceased", "BenefitTerminated"]  # no overpayment
    after = state
    for fact in facts:
        after = hh.evolve(after, fact)
    assert after.amount_for(Period(2026, 5), STANDARDS) == (
        39_600,
        STANDARDS.in_force(hh.Parameter.DIBAO_RURAL, "330727101201", date(2026, 5, 1)),
    )
    assert after.amount_for(Period(2026, 6), STANDARDS) is None


def test_a_death_before_the_approval_took_effect_lowers_the_amount_from_the_approval_on() -> None:
    facts = died("p1", date(2025, 12, 1), [])(active(30_000, 0))
    changed = facts[1]
    assert isinstance(changed, ev.AmountChanged) and changed.effective_from == "2026-03"


def test_the_same_death_again_changes_nothing() -> None:
    state = active(0)
    for fact in died("p0", date(2026, 5, 12), [])(state):
        state = hh.evolve(state, fact)
    assert died("p0", date(2026, 5, 12), [], registration="another")(state) == []


def test_a_marriage_flags_the_household_for_recheck_once_and_changes_no_amount() -> None:
    state = active(30_000, 0)
    flag = hh.flag_recheck(
        state,
        key="marriage/m1",
        reason="marriage_registered",
        certificate_number="J330727-2026-000001",
        registered_on=date(2026, 5, 4),
    )
    assert flag == [
        ev.RecheckFlagged(H, P, "marriage/m1", "marriage_registered", "J330727-2026-000001", "2026-05-04")
    ]
    after = hh.evolve(state, flag[0])
    assert after.recheck_due and after.bases == state.bases
    assert (
        hh.flag_recheck(
            after,
            key="marriage/m1",
            reason="marriage_registered",
            certificate_number="J330727-2026-000001",
            registered_on=date(2026, 5, 4),
        )
        == []
    )
