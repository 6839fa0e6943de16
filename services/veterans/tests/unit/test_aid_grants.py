"""Other aid as one-off grants over the pure domain: each amount from its standard in force on the
grant day, the inpatient share capped (a property), the hardship cap, nothing granted in the future."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.domain.aid import grants as g
from minzheng_veterans.domain.aid.parameters import DEMO, Parameter

COUNTY = "330727"
TODAY = date(2026, 2, 10)
TABLE = StandardsTable(Standard(p.value, COUNTY, date.fromisoformat(d), v) for p, d, v in DEMO)
PAYEE = g.Payee("330727195001010016", "330727101201")


def test_outpatient_is_the_annual_standard_in_force_keyed_by_year() -> None:
    raised = StandardsTable(
        [*TABLE, Standard(Parameter.OUTPATIENT_ANNUAL.value, COUNTY, date(2026, 1, 1), 120_000)]
    )
    got = g.outpatient(raised, PAYEE, payment_id="p", paid_on=TODAY, today=TODAY)
    assert (got.reference, got.amount_fen, got.standard_id) == (
        "2026",
        120_000,
        "aid_outpatient_annual:330727:2026-01-01",
    )
    old = g.outpatient(raised, PAYEE, payment_id="p", paid_on=date(2025, 12, 31), today=TODAY)
    assert (old.reference, old.amount_fen) == ("2025", 100_000)


def test_inpatient_is_the_rate_of_the_cost_up_to_the_cap() -> None:
    got = g.inpatient(TABLE, PAYEE, payment_id="p", stay="ZY-1", cost_fen=300_001, paid_on=TODAY, today=TODAY)
    assert (got.reference, got.amount_fen, got.cost_fen) == ("ZY-1", 150_000, 300_001)
    capped = g.inpatient(
        TABLE, PAYEE, payment_id="p", stay="ZY-2", cost_fen=5_000_000, paid_on=TODAY, today=TODAY
    )
    assert capped.amount_fen == 500_000
    assert capped.cap_standard_id == "aid_inpatient_cap:330727:2018-01-01"
    with pytest.raises(DomainError) as refused:
        g.inpatient(TABLE, PAYEE, payment_id="p", stay="ZY-3", cost_fen=1, paid_on=TODAY, today=TODAY)
    assert refused.value.code == "nothing_due"


@given(cost=st.integers(0, 10**9), rate=st.integers(0, 100), cap=st.integers(0, 10**8))
def test_the_inpatient_subsidy_never_exceeds_the_cost_share_nor_the_cap(
    cost: int, rate: int, cap: int
) -> None:
    amount = g.inpatient_amount(cost, rate, cap)
    assert 0 <= amount <= cap and amount * 100 <= cost * rate
    assert amount == cap or (cost * rate - amount * 100) < 100


def test_holiday_visit_per_festival_and_year() -> None:
    got = g.holiday_visit(
        TABLE, PAYEE, payment_id="p", festival=g.Festival.SPRING_FESTIVAL, paid_on=TODAY, today=TODAY
    )
    assert (got.reference, got.amount_fen, got.festival) == (
        "spring_festival-2026",
        130_000,
        "spring_festival",
    )
    army = g.holiday_visit(
        TABLE, PAYEE, payment_id="p", festival=g.Festival.ARMY_DAY, paid_on=TODAY, today=TODAY
    )
    assert (army.reference, army.amount_fen) == ("army_day-2026", 30_000)


def test_hardship_is_assessed_up_to_the_cap() -> None:
    got = g.hardship(
        TABLE, PAYEE, payment_id="p", amount_fen=200_000, reason="火灾", paid_on=TODAY, today=TODAY
    )
    assert (got.reference, got.amount_fen, got.standard_id) == (
        "2026",
        200_000,
        "aid_hardship_max:330727:2018-01-01",
    )
    for amount, code in ((200_001, "over_hardship_cap"), (0, "nothing_due")):
        with pytest.raises(DomainError) as refused:
            g.hardship(
                TABLE, PAYEE, payment_id="p", amount_fen=amount, reason="r", paid_on=TODAY, today=TODAY
            )
        assert (refused.value.code, refused.value.field) == (code, "amount_fen")


def test_no_grant_in_the_future_nor_without_a_standard() -> None:
    with pytest.raises(DomainError) as refused:
        g.outpatient(TABLE, PAYEE, payment_id="p", paid_on=TODAY + timedelta(days=1), today=TODAY)
    assert refused.value.code == "paid_in_future"
    with pytest.raises(DomainError) as missing:
        g.outpatient(
            TABLE, g.Payee(PAYEE.resident_id, "110101001"), payment_id="p", paid_on=TODAY, today=TODAY
        )
    assert missing.value.code == "no_standard_in_force"


def test_every_grant_event_has_its_kind() -> None:
    assert set(g.KIND_OF) == g.AID_EVENTS.names and set(g.KIND_OF.values()) == set(g.Kind)
