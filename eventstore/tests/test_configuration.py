"""``in_force``: per parameter and jurisdiction, exactly the row in force on a day (the latest that
took effect on or before it), and nothing for a key whose every row is later."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore.configuration import in_force
from minzheng_kernel.standards import Standard, StandardsTable

rows = st.builds(
    Standard,
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["330727", "330727101"]),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    st.integers(0, 10**10),
)


def test_in_force_example() -> None:
    old = Standard("a", "330727", date(2018, 1, 1), 1)
    new = Standard("a", "330727", date(2026, 1, 1), 2)
    later = Standard("b", "330727", date(2027, 1, 1), 3)
    table = StandardsTable([new, old, later])
    assert in_force(table, date(2025, 12, 31)) == [old]
    assert in_force(table, date(2026, 1, 1)) == [new]
    assert in_force(table, date(2027, 1, 1)) == [new, later]


@given(
    st.lists(rows, max_size=30, unique_by=lambda s: (s.parameter, s.jurisdiction, s.effective_from)),
    st.dates(),
)
def test_in_force_is_the_latest_row_per_key_on_or_before_the_day(standards: list[Standard], on: date) -> None:
    chosen = in_force(StandardsTable(standards), on)
    keys = [(s.parameter, s.jurisdiction) for s in chosen]
    assert keys == sorted(set(keys))
    assert set(keys) == {(s.parameter, s.jurisdiction) for s in standards if s.effective_from <= on}
    for s in chosen:
        assert s in standards and s.effective_from <= on
        same = [r for r in standards if (r.parameter, r.jurisdiction) == (s.parameter, s.jurisdiction)]
        assert all(r.effective_from <= s.effective_from or r.effective_from > on for r in same)
