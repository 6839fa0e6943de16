"""Entitled persons (优抚对象) over the pure domain: recognition once, the pension from the month
after approval, terms (grade, category) from an effective month, suspension and its lifting,
cancellation, transfer out paying the year's December last and transfer in from the next
1 January; properties over any dates and months."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.application.entitlement.streams import ENTITLEMENT
from minzheng_veterans.domain.entitlement import entitlement as e
from minzheng_veterans.domain.entitlement.categories import Category, Terms, terms
from minzheng_veterans.domain.pensions.parameters import NATIONAL

VILLAGE = "330727101201"
RESIDENT = "330727195203040019"
TODAY = date(2026, 12, 1)
TABLE = StandardsTable(Standard(p, "330727", date.fromisoformat(d), v) for p, d, v in NATIONAL)
WAR_1 = terms(Category.DISABLED, Period(2026, 1), nature="war", grade=1)


def recognition(
    state: e.Entitlement | None = None, approved_on: date = date(2026, 2, 10), t: Terms = WAR_1, **kw: Any
) -> list[DomainEvent]:
    return e.recognise(
        state or e.Entitlement(),
        TABLE,
        entitlement_id="e-1",
        person="tok",
        resident_id=RESIDENT,
        residence=VILLAGE,
        terms=t,
        approved_on=approved_on,
        today=TODAY,
        **kw,
    )


def recognised(approved_on: date = date(2026, 2, 10), **kw: Any) -> e.Entitlement:
    return ENTITLEMENT.apply(e.Entitlement(), recognition(None, approved_on, **kw))


def months(first: Period, count: int) -> list[Period]:
    out = [first]
    while len(out) < count:
        out.append(out[-1].next())
    return out


def test_a_recognition_pays_from_the_month_after_approval_and_names_its_standard() -> None:
    [fact] = recognition()
    assert isinstance(fact, e.EntitledPersonRecognised)
    assert (fact.starts, fact.standard_id) == ("2026-03", "pension.disabled.war.1:330727:2019-08-01")
    state = recognised()
    assert state.basis_in(Period(2026, 2)) is None
    basis = state.basis_in(Period(2026, 3))
    assert basis is not None and basis.parameter == "pension.disabled.war.1"


def test_a_second_recognition_of_the_category_is_refused() -> None:
    scenario = Scenario(ENTITLEMENT).given(*_history())
    scenario.when(lambda s: recognition(s)).then_refused("already_recognised", Conflict)


def _history() -> list[e.EntitledPersonRecognised]:
    return [
        e.EntitledPersonRecognised(
            "e-1", "tok", RESIDENT, VILLAGE, "disabled", "war.1", 1, "2026-02-10", "2026-03", None
        )
    ]


def test_a_category_without_a_standard_yet_is_recognised_with_none() -> None:
    state_facts = recognition(t=terms(Category.DEMOBILISED, Period(2026, 1)))
    assert [f.standard_id for f in state_facts if isinstance(f, e.EntitledPersonRecognised)] == [None]


@pytest.mark.parametrize(
    ("category", "given", "field", "code"),
    [
        (Category.DISABLED, {"nature": "war"}, "grade", "terms_missing"),
        (Category.DISABLED, {"nature": "war", "grade": 11}, "grade", "grade_out_of_range"),
        (Category.DISABLED, {"nature": "sea", "grade": 2}, "nature", "unknown_nature"),
        (Category.SURVIVOR, {}, "survivor", "terms_missing"),
        (Category.RED_ARMY, {"grade": 1}, "grade", "terms_not_applicable"),
        (Category.RURAL_VETERAN_60, {"service_years": 61}, "service_years", "service_years_out_of_range"),
        (Category.RURAL_VETERAN_60, {}, "service_years", "terms_missing"),
    ],
)
def test_terms_are_checked_per_category(
    category: Category, given: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        terms(category, Period(2026, 1), **given)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_grade_change_pays_the_new_grade_from_its_month_and_the_old_before() -> None:
    state = recognised()
    new = terms(Category.DISABLED, Period(2026, 6), nature="war", grade=3)
    [fact] = e.change_terms(state, TABLE, new)
    assert isinstance(fact, e.GradeChanged) and fact.standard_id is None  # grade 3: no national figure
    after = ENTITLEMENT.apply(state, [fact])
    assert [after.basis_in(Period(2026, m)).parameter for m in (5, 6)] == [  # type: ignore[union-attr]
        "pension.disabled.war.1",
        "pension.disabled.war.3",
    ]
    with pytest.raises(DomainError) as early:
        e.change_terms(after, TABLE, terms(Category.DISABLED, Period(2026, 5), nature="war", grade=2))
    assert early.value.code == "effective_too_early"
    with pytest.raises(DomainError) as same:
        e.change_terms(after, TABLE, terms(Category.DISABLED, Period(2026, 7), nature="war", grade=3))
    assert same.value.code == "terms_unchanged"


def test_a_category_change_carries_the_rural_veterans_service_years() -> None:
    state = recognised()
    new = terms(Category.RURAL_VETERAN_60, Period(2026, 9), service_years=4)
    [fact] = e.change_terms(state, TABLE, new)
    assert isinstance(fact, e.CategoryChanged) and fact.service_years == 4
    basis = ENTITLEMENT.apply(state, [fact]).basis_in(Period(2026, 9))
    assert basis is not None and (basis.parameter, basis.service_years) == ("pension.rural_veteran_60", 4)


def test_a_suspension_stops_the_months_until_it_is_lifted_and_a_cancellation_ends_it() -> None:
    state = recognised()
    state = ENTITLEMENT.apply(state, e.suspend(state, reason="服刑", from_period=Period(2026, 5)))
    with pytest.raises(Conflict):
        e.suspend(state, reason="again", from_period=Period(2026, 6))
    state = ENTITLEMENT.apply(state, e.resume(state, from_period=Period(2026, 8)))
    paid = [m for m in months(Period(2026, 1), 12) if state.basis_in(m) is not None]
    assert [str(m) for m in paid] == [
        "2026-03",
        "2026-04",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    with pytest.raises(Conflict):
        e.resume(state, from_period=Period(2026, 9))
    [cancelled] = e.cancel(state, e.CancelReason.DEATH, Period(2026, 10))
    state = ENTITLEMENT.apply(state, [cancelled])
    assert (state.status, state.basis_in(Period(2026, 9)) is None, state.basis_in(Period(2026, 10))) == (
        e.Status.CANCELLED,
        False,
        None,
    )
    with pytest.raises(Conflict) as again:
        e.cancel(state, e.CancelReason.DEATH, Period(2026, 11))
    assert again.value.code == "entitlement_ended"


def test_nothing_is_decided_on_an_entitlement_never_recognised() -> None:
    with pytest.raises(NotFound):
        e.cancel(e.Entitlement(), e.CancelReason.DEATH, Period(2026, 1))


@given(st.dates(date(2026, 3, 1), TODAY))
def test_a_transfer_out_pays_here_through_the_years_december_only(transferred_on: date) -> None:
    state = recognised()
    facts = e.transfer_out(state, to_county="330782", transferred_on=transferred_on, today=TODAY)
    after = ENTITLEMENT.apply(state, facts)
    year = transferred_on.year
    assert after.status is e.Status.TRANSFERRED_OUT
    assert after.basis_in(Period(year, 12)) is not None
    assert after.basis_in(Period(year + 1, 1)) is None


@given(st.dates(date(2020, 1, 1), TODAY), st.dates(date(2020, 1, 1), TODAY))
def test_a_transfer_in_is_paid_here_from_the_next_first_of_january(approved: date, transferred: date) -> None:
    approved, transferred = min(approved, transferred), max(approved, transferred)
    state = recognised(approved, transferred_from="330782", transferred_on=transferred)
    assert state.starts == Period(transferred.year + 1, 1)
    assert state.basis_in(Period(transferred.year, 12)) is None


@given(
    st.dates(date(2019, 1, 1), date(2026, 11, 30)),
    st.lists(st.integers(1, 30), min_size=0, max_size=6),
)
def test_no_month_is_paid_before_the_start_in_a_suspension_or_after_the_end(
    approved: date, steps: list[int]
) -> None:
    """Alternate suspensions and resumptions at the given gaps, then cancel: each month is paid
    exactly when it is on or after the start, outside every suspension and before the end."""
    state = recognised(approved)
    assert state.starts is not None
    at = state.starts
    edges: list[Period] = []
    for i, gap in enumerate(steps):
        for _ in range(gap):
            at = at.next()
        edges.append(at)
        if i % 2 == 0:
            state = ENTITLEMENT.apply(state, e.suspend(state, reason="r", from_period=at))
        else:
            state = ENTITLEMENT.apply(state, e.resume(state, from_period=at))
    end = at.next()
    state = ENTITLEMENT.apply(state, e.cancel(state, e.CancelReason.DISQUALIFIED, end))
    windows = list(zip(edges[0::2], [*edges[1::2], end], strict=False))
    for m in months(Period.of(approved).previous(), 12 * 4):
        suspended = any(a <= m < b for a, b in windows)
        expected = state.starts <= m < end and not suspended
        assert (state.basis_in(m) is not None) == expected


def test_a_rural_veterans_years_change_from_a_month_within_the_category() -> None:
    state = recognised(t=terms(Category.RURAL_VETERAN_60, Period(2026, 1), service_years=2))
    [fact] = e.change_terms(state, TABLE, terms(Category.RURAL_VETERAN_60, Period(2026, 7), service_years=3))
    assert isinstance(fact, e.CategoryChanged) and (fact.category, fact.service_years) == (
        "rural_veteran_60",
        3,
    )
    after = ENTITLEMENT.apply(state, [fact])
    years = [after.basis_in(Period(2026, m)).service_years for m in (6, 7)]  # type: ignore[union-attr]
    assert years == [2, 3]
