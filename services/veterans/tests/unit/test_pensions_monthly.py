"""One person's month (stacking, skips with their reason) and an entitlement's back-payment on
the terms of each month."""

from __future__ import annotations

from datetime import date

import pytest

from minzheng_contracts import Period
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.domain.pensions.amounts import Rate
from minzheng_veterans.domain.pensions.monthly import NO_STANDARD, NOTHING_DUE, Basis, owed, person_month
from minzheng_veterans.domain.pensions.stacking import NOT_HIGHEST

COUNTY = "330727"
VILLAGE = "330727101201"
WAR_1 = Basis("disabled_war_1", Rate.ANNUAL)
WAR_2 = Basis("disabled_war_2", Rate.ANNUAL)
ILL = Basis("ill_returned", Rate.MONTHLY)
RURAL = Basis("rural_veteran_60", Rate.MONTHLY_PER_SERVICE_YEAR, 2)
TABLE = StandardsTable(
    [
        Standard("disabled_war_1", COUNTY, date(2019, 8, 1), 8_815_000),
        Standard("disabled_war_2", COUNTY, date(2019, 8, 1), 7_000_000),
        Standard("ill_returned", COUNTY, date(2018, 8, 1), 55_000),
        Standard("rural_veteran_60", COUNTY, date(2018, 8, 1), 3_500),
        Standard("zero", COUNTY, date(2018, 8, 1), 0),
    ]
)
MARCH = Period(2024, 3)


def test_categories_that_stack_are_all_paid() -> None:
    paid, skipped = person_month({"e1": WAR_1, "e2": ILL, "e3": RURAL}, TABLE, VILLAGE, MARCH, stack=True)
    assert {eid: d.amount_fen for eid, d in paid.items()} == {
        "e1": 8_815_000 * 3 // 12 - 8_815_000 * 2 // 12,
        "e2": 55_000,
        "e3": 7_000,
    }
    assert skipped == {}


def test_otherwise_only_the_highest_is_paid_and_the_others_say_why() -> None:
    paid, skipped = person_month({"e2": ILL, "e1": WAR_1}, TABLE, VILLAGE, MARCH, stack=False)
    assert list(paid) == ["e1"]
    assert skipped == {"e2": NOT_HIGHEST}


def test_a_missing_or_zero_standard_skips_that_entitlement_only() -> None:
    bases = {"e1": WAR_1, "e2": Basis("unset", Rate.ANNUAL), "e3": Basis("zero", Rate.MONTHLY)}
    paid, skipped = person_month(bases, TABLE, VILLAGE, MARCH, stack=True)
    assert list(paid) == ["e1"]
    assert skipped == {"e2": NO_STANDARD, "e3": NOTHING_DUE}
    # a skipped one never counts as the highest
    paid, skipped = person_month(bases, TABLE, VILLAGE, MARCH, stack=False)
    assert list(paid) == ["e1"]


def test_the_basis_bounds_service_years() -> None:
    with pytest.raises(ValueError, match="service years"):
        Basis("rural_veteran_60", Rate.MONTHLY_PER_SERVICE_YEAR, 0)


def test_a_grade_raised_from_an_earlier_month_back_pays_those_months_on_the_new_grade() -> None:
    months = [Period(2024, m) for m in range(1, 7)]
    paid = {p: 7_000_000 * p.month // 12 - 7_000_000 * (p.month - 1) // 12 for p in months}

    def basis_in(period: Period) -> Basis | None:
        return WAR_1 if period >= Period(2024, 4) else WAR_2

    back = owed(paid, basis_in, TABLE, VILLAGE)
    assert back is not None
    assert [m.period for m in back.months] == months[3:]
    assert {m.standard_id for m in back.months} == {"disabled_war_1:330727:2019-08-01"}
    assert back.amount_fen == (8_815_000 - 7_000_000) * 6 // 12 - (8_815_000 - 7_000_000) * 3 // 12


def test_a_month_no_longer_payable_or_without_a_standard_owes_nothing() -> None:
    paid = {Period(2024, 1): 1, Period(2024, 2): 1}
    assert owed(paid, lambda p: None, TABLE, VILLAGE) is None
    assert owed(paid, lambda p: Basis("unset", Rate.ANNUAL), TABLE, VILLAGE) is None
    back = owed(paid, lambda p: ILL if p.month == 2 else None, TABLE, VILLAGE)
    assert back is not None and [(m.period, m.owed_fen) for m in back.months] == [(Period(2024, 2), 54_999)]
