"""The roll, the dues and the overpayment, pure: a period's standing by the changes in force, the
band's standard of the month, a year's months paid once, the months after an end."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts.period import Period
from minzheng_eldercare.domain.allowance.parameters import DEMO
from minzheng_eldercare.domain.payments.dues import NO_BAND_IN_FORCE, Month, bands_on, month_due, year_due
from minzheng_eldercare.domain.payments.events import AllowancePaid, PaidMonthData
from minzheng_eldercare.domain.payments.overpayment import overpaid
from minzheng_eldercare.domain.payments.roll import Change, InBand, Kind, NotPaid, RollEntry
from minzheng_kernel.standards import Standard, StandardsTable

COUNTY = "330727"
VILLAGE = "330727101201"
TABLE = StandardsTable(Standard(p, COUNTY, date.fromisoformat(on), v) for p, on, v in DEMO)
BANDS = bands_on(TABLE)


def entry(*changes: Change, starts: Period = Period(2024, 1), last: Period | None = None) -> RollEntry:
    first = Change(starts, Kind.BAND, 80, "80-89")
    return RollEntry("e1", "e1", "330727194105100011", VILLAGE, starts, last, (first, *changes))


def test_a_period_before_the_start_after_the_end_or_suspended_is_not_paid() -> None:
    e = entry(
        Change(Period(2026, 3), Kind.SUSPENDED),
        Change(Period(2026, 5), Kind.RESUMED),
        starts=Period(2025, 2),
        last=Period(2026, 8),
    )
    assert e.standing(Period(2025, 1)) is NotPaid.NOT_STARTED
    assert e.standing(Period(2026, 2)) == InBand(80, "80-89")
    assert e.standing(Period(2026, 4)) is NotPaid.SUSPENDED
    assert e.standing(Period(2026, 5)) == InBand(80, "80-89")
    assert e.standing(Period(2026, 9)) is NotPaid.ENDED


def test_a_suspension_recorded_late_still_applies_from_its_period() -> None:
    e = entry(Change(Period(2026, 6), Kind.RESUMED), Change(Period(2026, 2), Kind.SUSPENDED))
    assert e.standing(Period(2026, 3)) is NotPaid.SUSPENDED
    assert e.standing(Period(2026, 6)) == InBand(80, "80-89")


def test_a_month_is_paid_at_the_bands_standard_in_force_on_its_first_day() -> None:
    e = entry(Change(Period(2026, 5), Kind.BAND, 90, "90-99"))
    assert month_due(BANDS, e, Period(2024, 12)) == Month(
        Period(2024, 12), "80-89", 10_000, "allowance.band.80:330727:2024-01-01"
    )
    assert month_due(BANDS, e, Period(2025, 1)) == Month(
        Period(2025, 1), "80-89", 12_000, "allowance.band.80:330727:2025-01-01"
    )
    assert month_due(BANDS, e, Period(2026, 5)).amount_fen == 20_000  # type: ignore[union-attr]


def test_a_band_without_a_standard_in_force_pays_nothing_that_month() -> None:
    e = entry(Change(Period(2026, 1), Kind.BAND, 85, "85-89"))
    assert month_due(BANDS, e, Period(2026, 1)) == NO_BAND_IN_FORCE


@given(
    start=st.integers(1, 12),
    end=st.integers(1, 12),
    paid=st.sets(st.integers(1, 12)),
)
def test_a_years_due_is_the_eligible_months_not_paid_each_once(start: int, end: int, paid: set[int]) -> None:
    e = entry(starts=Period(2026, start), last=Period(2026, end))
    due = year_due(BANDS, e, 2026, frozenset(Period(2026, m) for m in paid))
    months = [m.period.month for m in due]
    assert months == sorted(set(range(start, end + 1)) - paid)
    assert sum(m.amount_fen for m in due) == 12_000 * len(months)


def _payment(key: str, months: list[str]) -> AllowancePaid:
    stored: list[PaidMonthData] = [
        {"period": m, "band": "80-89", "amount_fen": 12_000, "standard_id": "s"} for m in months
    ]
    return AllowancePaid(
        "p-" + key, "e1", "e1", key, "monthly", "80-89", 12_000 * len(months), "s", stored, None, VILLAGE, "x"
    )


@given(last=st.integers(1, 12), paid=st.sets(st.integers(1, 12), min_size=1))
def test_every_month_paid_after_the_last_period_is_overpaid_once(last: int, paid: set[int]) -> None:
    payments = [_payment(f"2026-{m:02d}", [f"2026-{m:02d}"]) for m in sorted(paid)]
    found = overpaid(payments, Period(2026, last))
    assert [o.months for o in found] == [(Period(2026, m),) for m in sorted(paid) if m > last]
    assert all(o.amount_fen == 12_000 for o in found)


def test_a_years_payment_is_overpaid_by_its_months_after_the_end() -> None:
    year = _payment("2026", [f"2026-{m:02d}" for m in range(1, 13)])
    (found,) = overpaid([year], Period(2026, 4))
    assert found.months == tuple(Period(2026, m) for m in range(5, 13))
    assert found.amount_fen == 8 * 12_000
