"""A private institution's monthly operating subsidy over the pure domain: resident-months per
care level × the standard in force for the level in that month, naming each standard; the total is
the sum of the levels (a property), a stated total that disagrees is refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.domain.subsidies import private as p
from minzheng_eldercare.domain.subsidies.parameters import CARE_LEVELS, DEMO, level_parameter
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable

COUNTY = "330727"
TODAY = date(2026, 3, 2)
TABLE = StandardsTable(Standard(name, COUNTY, date.fromisoformat(on), v) for name, on, v in DEMO)


def _subsidy(
    months: dict[str, int], stated: int | None = None, month: str = "2026-02", table: StandardsTable = TABLE
) -> p.PrivateInstitutionSubsidyPaid:
    return p.subsidy(
        table,
        payment_id="p",
        institution_id="inst-1",
        township="330727101",
        month=month,
        resident_months=months,
        stated_total_fen=stated,
        today=TODAY,
    )


def test_the_demo_levels_100_200_300_yuan_a_person_month() -> None:
    got = _subsidy({"self_care": 20, "partial": 12, "full": 6}, stated=620_000)
    assert got.total_fen == 20 * 10_000 + 12 * 20_000 + 6 * 30_000 == 620_000
    assert [(x["care_level"], x["amount_fen"], x["standard_id"]) for x in got.lines] == [
        ("self_care", 200_000, "subsidy.private.self_care:330727:2012-04-01"),
        ("partial", 240_000, "subsidy.private.partial:330727:2012-04-01"),
        ("full", 180_000, "subsidy.private.full:330727:2012-04-01"),
    ]


def test_the_standard_in_force_in_the_month_applies() -> None:
    raised = StandardsTable([*TABLE, Standard(level_parameter("partial"), COUNTY, date(2026, 2, 1), 25_000)])
    assert _subsidy({"partial": 2}, month="2026-01", table=raised).total_fen == 40_000
    feb = _subsidy({"partial": 2}, month="2026-02", table=raised)
    assert (feb.total_fen, feb.lines[0]["standard_id"]) == (
        50_000,
        "subsidy.private.partial:330727:2026-02-01",
    )


def test_refusals() -> None:
    for months, stated, month, code in (
        ({"partial": 2}, 1, "2026-02", "total_does_not_add_up"),
        ({}, None, "2026-02", "nothing_due"),
        ({"partial": 2}, None, "2026-04", "month_in_future"),
        ({"partial": 2}, None, "2011-01", "no_standard_in_force"),
        ({"luxury": 2}, None, "2026-02", "unknown_care_level"),
    ):
        with pytest.raises(DomainError) as refused:
            _subsidy(months, stated, month)
        assert refused.value.code == code


@given(st.dictionaries(st.sampled_from(CARE_LEVELS), st.integers(0, 10_000)), st.integers(-5, 5))
def test_the_levels_add_up_to_the_total_and_a_disagreeing_total_is_refused(
    months: dict[str, int], off: int
) -> None:
    expected = sum(
        n * TABLE.in_force(level_parameter(level), COUNTY, date(2026, 2, 1)).value
        for level, n in months.items()
    )
    if expected == 0:
        return
    if off:
        with pytest.raises(DomainError):
            _subsidy(months, expected + off)
        return
    got = _subsidy(months, expected)
    assert got.total_fen == sum(x["amount_fen"] for x in got.lines) == expected
    assert all(x["amount_fen"] == x["resident_months"] * x["rate_fen"] for x in got.lines)
