"""The daily check's selection is faithful: an elder's ``allowance_elders`` row, read back as the
check reads it, is decided exactly as the stream's state is (so the check never skips an elder it
should load), whatever happened to the elder before (checks, moves, proofs, a death)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng_contracts.period import Period
from minzheng_eldercare.application.allowance import rows
from minzheng_eldercare.domain.allowance import elder as d
from minzheng_eldercare.domain.allowance.parameters import DEMO, Eligibility, Parameter
from minzheng_eldercare.domain.allowance.terms import terms_for
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable

VILLAGE = "330727101201"
TABLE = StandardsTable(
    Standard(p, "330727", date.fromisoformat(on), v)
    for p, on, v in (*DEMO, (Parameter.ELIGIBILITY.value, "2027-01-01", Eligibility.INCOME_TEST))
)
COLUMNS = rows.COLUMNS.split(", ")

steps = st.lists(
    st.tuples(st.sampled_from(["check", "away", "back", "proof", "die"]), st.integers(1, 200)),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    born=st.dates(min_value=date(1920, 1, 1), max_value=date(1950, 12, 31)),
    income=st.one_of(st.none(), st.integers(0, 300_000)),
    plan=steps,
    last=st.integers(1, 400),
)
def test_the_row_decides_as_the_stream(
    born: date, income: int | None, plan: list[tuple[str, int]], last: int
) -> None:
    day = date(2026, 1, 5)
    facts = d.register(
        d.Elder(),
        elder_id="e1",
        person="330727194403050014",
        born=born,
        residence=VILLAGE,
        registered_on=day,
        source="roll_import",
        dibao=False,
        monthly_income_fen=income,
    )
    s = d.apply(d.Elder(), facts)
    for step, days in plan:
        day += timedelta(days=days)
        try:
            if step == "check":
                s = d.apply(s, d.check(s, terms_for(TABLE, s.home, Period.of(day)), on=day))
            elif step == "away":
                s = d.apply(
                    s, d.move(s, residence="330782100200", moved_on=day, within_county=False, today=day)
                )
            elif step == "back":
                s = d.apply(s, d.move(s, residence=VILLAGE, moved_on=day, within_county=True, today=day))
            elif step == "proof":
                s = d.apply(s, d.record_proof(s, on=day, today=day))
            else:
                s = d.apply(s, d.die(s, died_on=day))
        except DomainError:
            pass
    on = day + timedelta(days=last)
    row = dict(zip(COLUMNS, rows.values(s, Period.of(on)), strict=True))
    terms = terms_for(TABLE, s.home, Period.of(on))
    from_stream = d.check(s, terms, on=on)
    from_row = d.check(rows.elder_of(row), terms, on=on)
    assert [f.event_type for f in from_row] == [f.event_type for f in from_stream]
