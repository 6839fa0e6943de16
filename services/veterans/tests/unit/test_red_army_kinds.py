"""三红 kinds over the pure domain: each kind its own effective-dated parameter with the national
figures (在乡 / 西路军 / 失散: 55,570 / 55,570 / 25,070 yuan from 2018-08, 61,130 / 61,130 / 27,580
from 2019-08), the kind required for 三红 and refused elsewhere, and the documented default: terms
stored without a kind (before the kinds) read as 在乡."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable, monthly_share
from minzheng_veterans.application.entitlement.streams import ENTITLEMENT
from minzheng_veterans.application.pensions.roll_state import as_row, as_state
from minzheng_veterans.domain.entitlement import entitlement as e
from minzheng_veterans.domain.entitlement.categories import Category, Terms, terms
from minzheng_veterans.domain.pensions.amounts import Rate
from minzheng_veterans.domain.pensions.parameters import (
    NATIONAL,
    RED_ARMY_DEFAULT,
    RED_ARMY_KINDS,
    basis_of,
    parameters,
)

TABLE = StandardsTable(Standard(p, "330727", date.fromisoformat(d), v) for p, d, v in NATIONAL)
YUAN = {
    ("home", 2018): 55_570,
    ("west_route", 2018): 55_570,
    ("dispersed", 2018): 25_070,
    ("home", 2019): 61_130,
    ("west_route", 2019): 61_130,
    ("dispersed", 2019): 27_580,
}


@pytest.mark.parametrize(("kind", "year"), sorted(YUAN))
def test_each_kind_has_its_national_figure_from_august(kind: str, year: int) -> None:
    basis = terms(Category.RED_ARMY, Period(year, 9), red_army_kind=kind).basis
    assert (basis.parameter, basis.rate) == (f"pension.red_army.{kind}", Rate.ANNUAL)
    s = TABLE.in_force(basis.parameter, "330727101201", date(year, 8, 1))
    assert (s.value, s.standard_id) == (YUAN[kind, year] * 100, f"{basis.parameter}:330727:{year}-08-01")
    assert basis.parameter in parameters()
    assert "pension.red_army" not in parameters()


@given(st.integers(1, 12))
def test_a_dispersed_veteran_is_paid_the_monthly_share_of_27580_yuan(m: int) -> None:
    annual = TABLE.in_force("pension.red_army.dispersed", "330727", date(2019, 8, 1)).value
    assert monthly_share(annual, m) == 2_758_000 * m // 12 - 2_758_000 * (m - 1) // 12
    assert sum(monthly_share(annual, k) for k in range(1, 13)) == 2_758_000


def test_a_kind_is_required_for_red_army_one_of_three_and_refused_elsewhere() -> None:
    with pytest.raises(DomainError) as missing:
        terms(Category.RED_ARMY, Period(2026, 1))
    assert (missing.value.code, missing.value.field) == ("terms_missing", "red_army_kind")
    with pytest.raises(DomainError) as unknown:
        terms(Category.RED_ARMY, Period(2026, 1), red_army_kind="western")
    assert (unknown.value.code, unknown.value.field) == ("unknown_red_army_kind", "red_army_kind")
    with pytest.raises(DomainError) as elsewhere:
        terms(Category.DEMOBILISED, Period(2026, 1), red_army_kind="home")
    assert (elsewhere.value.code, elsewhere.value.field) == ("terms_not_applicable", "red_army_kind")
    with pytest.raises(ValueError, match="no pension standard"):
        basis_of("red_army", "western")
    assert RED_ARMY_KINDS == ("home", "west_route", "dispersed")


def test_terms_stored_without_a_kind_read_as_home() -> None:
    assert RED_ARMY_DEFAULT == "home"
    old = Terms(Period(2019, 8), Category.RED_ARMY)
    assert (old.key, old.basis.parameter) == ("home", "pension.red_army.home")
    assert basis_of("red_army", None).parameter == "pension.red_army.home"
    recorded = e.EntitledPersonRecognised(
        entitlement_id="e-1",
        person="tok",
        resident_id="330727192803040019",
        residence="330727101201",
        category="red_army",
        key=None,
        service_years=1,
        approved_on="2019-07-10",
        starts="2019-08",
        standard_id="pension.red_army:330727:2018-08-01",
    )
    state = ENTITLEMENT.apply(e.Entitlement(), [recorded])
    assert state.current.key == "home"
    basis = state.basis_in(Period(2019, 8))
    assert basis is not None and basis.parameter == "pension.red_army.home"
    # the roll's stored row of such a state (written before the kinds: key null) reads as home too
    row = list(as_row(state))
    row[6] = '[["2019-08","red_army",null,1]]'
    assert as_state(row).current.key == "home"
    # a change of kind is new terms from its month
    facts = e.change_terms(state, TABLE, terms(Category.RED_ARMY, Period(2019, 9), red_army_kind="dispersed"))
    assert [(f.event_type, getattr(f, "key", None)) for f in facts] == [("CategoryChanged", "dispersed")]
