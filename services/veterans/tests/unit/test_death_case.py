"""The death-benefit case over the pure domain: opened once per death with the months paid after
the month of death as overpayments (by the date of death, not the day it is taken in), the cause
awaited for 因战 / 因公 disabled only, one one-off per death by the category held, survivors'
eligibility where it applies, the payee before payment, paid exactly once."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.domain.death import amounts as a
from minzheng_veterans.domain.death import case as c
from minzheng_veterans.domain.entitlement import entitlement as e
from minzheng_veterans.domain.entitlement.categories import Category, Terms, terms
from minzheng_veterans.domain.pensions.parameters import NATIONAL

COUNTY = "330727"
VILLAGE = "330727101201"
D = date(2026, 3, 20)
TABLE = StandardsTable(
    [
        *(Standard(p, COUNTY, date.fromisoformat(d), v) for p, d, v in NATIONAL),
        Standard("pension.disabled.war.3", COUNTY, date(2019, 8, 1), 6_000_000),
        Standard(a.URBAN_INCOME, COUNTY, date(2025, 1, 1), 5_418_800),
        Standard(a.WAGE_FLOOR, COUNTY, date(2020, 1, 1), 600_000),
        Standard(a.FUNERAL_GRANT, COUNTY, date(2020, 1, 1), 300_000),
    ]
)


def entitlement(t: Terms, eid: str = "e-1") -> e.Entitlement:
    facts = e.recognise(
        e.Entitlement(),
        TABLE,
        entitlement_id=eid,
        person="tok",
        resident_id="330727195203040019",
        residence=VILLAGE,
        terms=t,
        approved_on=date(2025, 1, 10),
        today=date(2025, 1, 10),
    )
    state = e.Entitlement()
    for f in facts:
        state = e.evolve(state, f)
    return state


def disabled(nature: str, grade: int = 1) -> e.Entitlement:
    return entitlement(terms(Category.DISABLED, Period(2025, 2), nature=nature, grade=grade))


Paid = dict[str, dict[Period, tuple[int, tuple[str, ...]]]]


def opened(*ended: e.Entitlement, paid: Paid | None = None) -> tuple[list[DomainEvent], c.Case]:
    facts = c.open_case(
        c.Case(), TABLE, case_id="death-tok", died_on=D, death_event_id="ev-1", ended=ended, paid=paid or {}
    )
    return facts, c.fold(facts)


def paid_through(case: c.Case, name: str = "李秀英") -> c.Case:
    state = c.fold(c.record_payee(case, name=name, relation=c.Relation.SPOUSE), case)
    return c.fold(c.pay(state), state)


def test_months_paid_after_the_month_of_death_are_overpayments_with_recovery_tasks() -> None:
    paid: Paid = {"e-1": {Period(2026, m): (734_583, (f"payment-e-1-2026-0{m}",)) for m in (2, 3, 4, 5)}}
    facts, case = opened(disabled("illness"), paid=paid)
    overpaid = [f for f in facts if isinstance(f, c.OverpaymentRecorded)]
    assert [(o.period, o.amount_fen) for o in overpaid] == [("2026-04", 734_583), ("2026-05", 734_583)]
    assert [o.recovery_task_id for o in case.overpayments] == [
        "death-tok-e-1-2026-04",
        "death-tok-e-1-2026-05",
    ]
    assert all(o.amount_fen > 0 for o in case.overpayments)


def test_the_overpayment_is_not_netted_against_the_one_off() -> None:
    paid: Paid = {"e-1": {Period(2026, 4): (688_083, ("p",))}}
    _, case = opened(disabled("illness"), paid=paid)
    assert case.one_off is not None and case.one_off.amount_fen == 8_257_000
    assert (
        paid_through(case).payment_id
        == c.payment_id("death-tok")
        == str(uuid.uuid5(c.PAYMENT_NAMESPACE, "death-tok"))
    )


def test_a_disabled_serviceman_of_illness_nature_is_determined_on_opening_at_a_year_of_his_pension() -> None:
    _, case = opened(disabled("illness"))
    assert case.status is c.Status.DETERMINED
    assert case.one_off == a.OneOff(
        "funeral_subsidy", 8_257_000, ("pension.disabled.illness.1:330727:2019-08-01",)
    )
    assert case.survivor_kind is None


@pytest.mark.parametrize("nature", ["war", "duty"])
def test_a_war_or_duty_disabled_case_awaits_the_cause(nature: str) -> None:
    _, case = opened(disabled(nature))
    assert case.status is c.Status.AWAITING_CAUSE
    with pytest.raises(Conflict):
        c.record_payee(case, name="李秀英", relation=c.Relation.SPOUSE)
    with pytest.raises(DomainError) as refused:
        c.determine(case, TABLE, cause=None, wage_fen=None)
    assert refused.value.field == "cause"


def test_grade_1_to_4_of_illness_opens_the_illness_survivors_pension() -> None:
    _, case = opened(disabled("war", 3))
    case = c.fold(c.determine(case, TABLE, cause=c.Cause.ILLNESS, wage_fen=None), case)
    assert case.one_off is not None and case.one_off.amount_fen == 6_000_000
    assert (case.status, case.survivor_kind, case.cause) == (c.Status.DETERMINED, "illness", "illness")


def test_a_recurring_wound_pays_the_one_off_pension_and_no_funeral_subsidy() -> None:
    _, case = opened(disabled("duty"))
    facts = c.determine(case, TABLE, cause=c.Cause.RECURRING_WOUND, wage_fen=500_000)
    assert not any(isinstance(f, c.FuneralSubsidyDetermined) for f in facts)
    case = c.fold(facts, case)
    assert case.one_off is not None and case.one_off.amount_fen == 20 * 5_418_800 + 40 * 600_000
    assert case.survivor_kind == "duty"
    with pytest.raises(Conflict):
        c.determine(case, TABLE, cause=c.Cause.ILLNESS, wage_fen=None)


def test_the_wage_goes_with_a_recurring_wound_only() -> None:
    _, case = opened(disabled("war"))
    with pytest.raises(DomainError) as missing:
        c.determine(case, TABLE, cause=c.Cause.RECURRING_WOUND, wage_fen=None)
    with pytest.raises(DomainError) as extra:
        c.determine(case, TABLE, cause=c.Cause.ILLNESS, wage_fen=1)
    assert missing.value.field == extra.value.field == "wage_fen"


def test_a_survivor_gets_six_months_and_the_disabled_entitlement_comes_first() -> None:
    survivor = entitlement(terms(Category.SURVIVOR, Period(2025, 2), survivor="martyr"), "e-2")
    _, case = opened(survivor)
    assert case.one_off is not None and case.one_off.amount_fen == 1_399_000
    _, both = opened(survivor, disabled("illness"))
    assert both.entitlement_id == "e-1" and both.ended == ("e-1", "e-2")


def test_another_category_gets_the_local_funeral_grant() -> None:
    _, case = opened(entitlement(terms(Category.RED_ARMY, Period(2025, 2), red_army_kind="home")))
    assert case.one_off == a.OneOff("funeral_grant", 300_000, ("death.funeral_grant:330727:2020-01-01",))


def test_a_missing_standard_waits_and_is_determined_again_once_set() -> None:
    _, case = opened(disabled("illness", 7))
    assert case.status is c.Status.AWAITING_STANDARD
    later = StandardsTable(
        [*TABLE, Standard("pension.disabled.illness.7", COUNTY, date(2026, 1, 1), 2_000_000)]
    )
    with pytest.raises(DomainError):
        c.determine(case, later, cause=c.Cause.ILLNESS, wage_fen=None)
    case = c.fold(c.determine(case, later, cause=None, wage_fen=None), case)
    assert case.one_off is not None and case.one_off.amount_fen == 2_000_000


def test_paid_once_after_the_payee_and_never_twice() -> None:
    _, case = opened(disabled("illness"))
    with pytest.raises(Conflict) as early:
        c.pay(case)
    assert early.value.code == "payee_missing"
    done = paid_through(case)
    assert done.status is c.Status.PAID
    with pytest.raises(Conflict) as again:
        c.pay(done)
    assert again.value.code == "already_paid"
    with pytest.raises(Conflict):
        c.record_payee(done, name="x", relation=c.Relation.CHILD)


def test_the_payees_name_is_bounded() -> None:
    _, case = opened(disabled("illness"))
    for name in ("", "  ", "x" * (c.MAX_NAME + 1)):
        with pytest.raises(DomainError) as refused:
            c.record_payee(case, name=name, relation=c.Relation.CHILD)
        assert refused.value.field == "name"


def test_a_case_opens_once() -> None:
    _, case = opened(disabled("illness"))
    with pytest.raises(Conflict):
        c.open_case(
            case,
            TABLE,
            case_id="death-tok",
            died_on=D,
            death_event_id="ev-2",
            ended=[disabled("war")],
            paid={},
        )


@given(
    st.dates(min_value=date(2025, 2, 1), max_value=date(2027, 12, 31)),
    st.sets(st.integers(min_value=0, max_value=35), max_size=36),
)
def test_exactly_the_months_after_the_month_of_death_are_overpaid(died_on: date, offsets: set[int]) -> None:
    months = [Period(2025 + o // 12, 1 + o % 12) for o in offsets]
    paid = {"e-1": {p: (100, (f"pay-{p}",)) for p in months}}
    facts = c.open_case(
        c.Case(),
        TABLE,
        case_id="k",
        died_on=died_on,
        death_event_id="ev",
        ended=[disabled("illness")],
        paid=paid,
    )
    overpaid = {f.period for f in facts if isinstance(f, c.OverpaymentRecorded)}
    assert overpaid == {str(p) for p in months if p > Period.of(died_on)}
