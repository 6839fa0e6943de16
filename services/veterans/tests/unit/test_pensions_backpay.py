"""Back-payment after a late raise: one per entitlement for the months between, exactly once, and
under any raise schedule the months paid plus the back-payments are what the final standards say."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_veterans.domain.pensions.amounts import Due, Rate, month_due
from minzheng_veterans.domain.pensions.backpay import back_payment

COUNTY = "330727"
START = Period(2023, 1)
MONTHS = [START]
for _ in range(35):
    MONTHS.append(MONTHS[-1].next())


def due_under(t: StandardsTable, months: object) -> dict[Period, Due]:
    return {p: month_due(t, "p", Rate.ANNUAL, COUNTY, p) for p in months}  # type: ignore[attr-defined]


def test_the_2019_raise_published_in_october_back_pays_august_and_september_once() -> None:
    old = Standard("p", COUNTY, date(2018, 8, 1), 8_014_000)
    new = Standard("p", COUNTY, date(2019, 8, 1), 8_815_000)
    months = [Period(2019, m) for m in range(1, 10)]
    paid = {p: d.amount_fen for p, d in due_under(StandardsTable([old]), months).items()}
    now = StandardsTable([old, new])
    owed = back_payment(paid, due_under(now, months))
    assert owed is not None
    assert [m.period for m in owed.months] == [Period(2019, 8), Period(2019, 9)]
    assert {m.standard_id for m in owed.months} == {"p:330727:2019-08-01"}
    # August and September at the new standard, less what was paid at the old one
    assert owed.amount_fen == (8_815_000 * 9 // 12 - 8_815_000 * 7 // 12) - (
        8_014_000 * 9 // 12 - 8_014_000 * 7 // 12
    )
    assert owed.key == "2019-08=p:330727:2019-08-01;2019-09=p:330727:2019-08-01"
    # recorded, the months are paid in full: nothing more is owed, whatever is asked again
    for m in owed.months:
        paid[m.period] += m.owed_fen
    assert back_payment(paid, due_under(now, months)) is None


def test_months_never_paid_are_not_back_paid_and_months_overpaid_net_against_the_others() -> None:
    months = [Period(2024, m) for m in range(1, 7)]
    t = StandardsTable([Standard("p", COUNTY, date(2024, 1, 1), 1_200_000)])
    due = due_under(t, months)
    paid = {p: due[p].amount_fen + 5 for p in months[:2]} | {months[3]: due[months[3]].amount_fen - 17}
    owed = back_payment(paid, due)
    assert owed is not None
    assert [(m.period, m.owed_fen) for m in owed.months] == [
        (months[0], -5),
        (months[1], -5),
        (months[3], 17),
    ]
    assert owed.amount_fen == 7


def test_a_lower_standard_takes_nothing_back() -> None:
    months = [Period(2024, m) for m in range(1, 4)]
    t = StandardsTable([Standard("p", COUNTY, date(2024, 1, 1), 1_200_000)])
    paid = {p: d.amount_fen + 1 for p, d in due_under(t, months).items()}
    assert back_payment(paid, due_under(t, months)) is None


def test_a_raise_can_lower_a_month_by_a_fen_and_the_months_net_out() -> None:
    # 3 fen a year pays March–May (0, 1, 0), 5 fen a year (1, 0, 1): April is 1 fen lower
    months = [Period(2024, m) for m in range(3, 6)]
    low = StandardsTable([Standard("p", COUNTY, date(2024, 1, 1), 3)])
    paid = {p: d.amount_fen for p, d in due_under(low, months).items()}
    raised = due_under(StandardsTable([Standard("p", COUNTY, date(2024, 1, 1), 5)]), months)
    owed = back_payment(paid, raised)
    assert owed is not None
    assert [m.owed_fen for m in owed.months] == [1, -1, 1]
    assert sum(paid.values()) + owed.amount_fen == sum(d.amount_fen for d in raised.values())


@st.composite
def raise_schedules(draw: st.DrawFn) -> list[tuple[Standard, int]]:
    """Standards with values rising with their effective month by at least 3 fen a month (a month's
    share of a higher standard can be 1 fen below a lower one's: netted over the months, a raise
    of 2 fen a month or more is always owed), each published some months after (a late raise) or
    before it takes effect; the first in force from the start."""
    n = draw(st.integers(min_value=1, max_value=6))
    effective = sorted(draw(st.lists(st.integers(1, 35), min_size=n - 1, max_size=n - 1, unique=True)))
    steps = draw(st.lists(st.integers(36, 2_000_000), min_size=n - 1, max_size=n - 1))
    values = [draw(st.integers(0, 20_000_000))]
    for step in steps:
        values.append(values[-1] + step)
    schedule = [(Standard("p", COUNTY, START.first_day, values[0]), 0)]
    for index, value in zip(effective, values[1:], strict=True):
        published = draw(st.integers(0, 35))
        schedule.append((Standard("p", COUNTY, MONTHS[index].first_day, value), published))
    return schedule


@given(raise_schedules())
def test_paid_months_plus_back_payments_are_the_final_standards(schedule: list[tuple[Standard, int]]) -> None:
    paid: dict[Period, int] = {}
    back_paid = 0
    keys: set[str] = set()
    for run, period in enumerate(MONTHS):
        known = StandardsTable(s for s, published in schedule if published <= run)
        paid[period] = month_due(known, "p", Rate.ANNUAL, COUNTY, period).amount_fen
        owed = back_payment(paid, due_under(known, paid))
        if owed is not None:
            assert owed.amount_fen > 0
            assert owed.key not in keys  # one back-payment per raise, never the same twice
            keys.add(owed.key)
            back_paid += owed.amount_fen
            for m in owed.months:
                paid[m.period] += m.owed_fen
        # a repeated run owes nothing more
        assert back_payment(paid, due_under(known, paid)) is None
    final = StandardsTable(s for s, _ in schedule)
    assert sum(paid.values()) == sum(d.amount_fen for d in due_under(final, MONTHS).values())
    assert back_paid >= 0
    # each calendar year at one final standard throughout sums to it
    for year in (2023, 2024, 2025):
        annuals = {due.annual_fen for p, due in due_under(final, MONTHS).items() if p.year == year}
        if len(annuals) == 1:
            assert sum(paid[p] for p in MONTHS if p.year == year) == annuals.pop()
