"""The pension roll's row of an entitlement (``roll_state``): any state comes back equal from its
row, and asks ``basis_in`` the same for every month; the row has a column for every field of the
state (a field added to ``Entitlement`` without one fails here)."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_veterans.application.pensions.roll_state import FIELDS, as_row, as_state
from minzheng_veterans.domain.entitlement.categories import Category, Terms
from minzheng_veterans.domain.entitlement.entitlement import Entitlement, Status, Suspension
from minzheng_veterans.domain.pensions.parameters import SURVIVORS, basis_of

periods = st.builds(Period, st.integers(2000, 2040), st.integers(1, 12))
texts = st.text(min_size=0, max_size=12)
optional_texts = st.none() | texts


def _payable(category: Category, key: str | None, years: int) -> bool:
    try:
        basis_of(category.value, key, service_years=years)
    except ValueError:
        return False
    return True


KINDS = [
    (c, k, y)
    for c in Category
    for k in (None, "war.1", "duty.10", *SURVIVORS)
    for y in (1, 7, 60)
    if _payable(c, k, y)
]
"""Every category with a key of its own (or none) and some service years, as recognised."""
terms = st.builds(lambda p, kind: Terms(p, *kind), periods, st.sampled_from(KINDS))
suspensions = st.builds(Suspension, periods, texts, st.none() | periods)
states = st.builds(
    Entitlement,
    entitlement_id=optional_texts,
    person=texts,
    resident_id=texts,
    residence=texts,
    approved_on=st.none() | st.dates(date(1990, 1, 1), date(2040, 12, 31)),
    starts=st.none() | periods,
    terms=st.lists(terms, max_size=4).map(tuple),
    suspensions=st.lists(suspensions, max_size=3).map(tuple),
    status=st.sampled_from(list(Status)),
    ended_from=st.none() | periods,
    cancel_reason=optional_texts,
    transferred_from=optional_texts,
    transferred_to=optional_texts,
)


def test_the_row_has_a_column_for_every_field_of_the_state_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(Entitlement)) == FIELDS


@given(states)
def test_a_state_comes_back_equal_from_its_row_and_answers_every_month_alike(s: Entitlement) -> None:
    row = as_row(s)
    assert len(row) == len(FIELDS) and all(v is None or isinstance(v, str) for v in row)
    back = as_state(row)
    assert back == s
    month = Period(2025, 1)
    for _ in range(36):
        assert back.basis_in(month) == s.basis_in(month)
        month = month.next()
