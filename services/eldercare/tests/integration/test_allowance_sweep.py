"""The full pass's set-based selection (``sweep.acting``, in PostgreSQL) against the per-row pure
decision it replaces (``elder.check`` on ``rows.elder_of(row)``, and ``next_change``): for
arbitrary rows of ``allowance_elders`` and arbitrary standards (bands opened and closed per
jurisdiction, both start rules, the three eligibility rules, proof-of-life months), on any day,
the rows it returns are exactly the rows the per-row decision acts on: decided on the stream, or
their ``next_due`` moved to the same period. Birth dates and proofs cluster around the cut-offs
(birthdays at the month's edges, 29 February, proofs at the month's end) where an off-by-one
would show."""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Coroutine
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng_contracts.period import Period
from minzheng_eldercare.application.allowance import rows, sweep
from minzheng_eldercare.domain.allowance import elder as d
from minzheng_eldercare.domain.allowance.parameters import THRESHOLDS, StartRule
from minzheng_eldercare.domain.allowance.terms import add_months, next_change, terms_for
from minzheng_kernel.standards import Standard, StandardsTable

if TYPE_CHECKING:
    from conftest import Running

T = TypeVar("T")
COUNTY = "330727"
PLACES = ("330727101201", "330727101202", "330727102201")
JURISDICTIONS = (COUNTY, "330727101", PLACES[0], PLACES[2])
PROOF_MONTHS = (1, 6, 12, 13, 36)


@st.composite
def standards(draw: st.DrawFn, on: date) -> StandardsTable:
    long_ago = on - timedelta(days=3000)
    out = [Standard(f"allowance.band.{lower}", COUNTY, long_ago, 10_000) for lower in (80, 90, 100)]
    for _ in range(draw(st.integers(0, 12))):
        kinds = ("band", "band", "rule", "eligibility", "eligibility", "ceiling", "ceiling", "proof")
        kind = draw(st.sampled_from(kinds))
        juris = draw(st.sampled_from(JURISDICTIONS))
        effective = on + timedelta(days=draw(st.integers(-900, 60)))
        if kind == "band":
            parameter = f"allowance.band.{draw(st.sampled_from(THRESHOLDS))}"
            value = draw(st.sampled_from((0, 5_000, 10_000, 30_000)))
        elif kind == "rule":
            parameter, value = "allowance.start_rule", draw(st.integers(0, 1))
        elif kind == "eligibility":
            parameter, value = "allowance.eligibility", draw(st.integers(0, 2))
        elif kind == "ceiling":
            parameter, value = "allowance.income_ceiling", draw(st.sampled_from((0, 50_000, 100_000)))
        else:
            parameter, value = "allowance.proof_of_life_months", draw(st.sampled_from(PROOF_MONTHS))
        out.append(Standard(parameter, juris, effective, value))
    return StandardsTable(out)


def mostly(value: bool) -> st.SearchStrategy[bool]:
    """``value`` three times in four (most rows can start or change: the cases that decide)."""
    return st.sampled_from((value, value, value, not value))


@st.composite
def row(draw: st.DrawFn, n: int, on: date) -> tuple[Any, ...]:
    period = Period.of(on)
    age = draw(st.sampled_from((*THRESHOLDS, 80, 90, 100))) + draw(st.integers(-1, 0))
    edge = date(on.year - age, on.month, 1)
    last = calendar.monthrange(edge.year, edge.month)[1]  # the cut-offs: the month's first or last day
    at_edge = st.sampled_from((-1, 0, 1, last - 2, last - 1, last))
    born = edge + timedelta(days=draw(st.one_of(at_edge, st.integers(-40, 40), st.integers(-800, 800))))
    if draw(st.booleans()) and born.month in (2, 3):  # 29 February, where there is one
        leap = next(y for y in range(born.year, born.year + 4) if y % 4 == 0 and (y % 100 or y % 400 == 0))
        born = date(leap, 2, 29)
    months = draw(st.sampled_from((*PROOF_MONTHS, 12, 12)))
    proof = add_months(on, -months) + timedelta(days=draw(st.integers(-4, 4)))
    statuses = ("pending", "pending", "active", "active", "suspended", "ended", "deceased")
    status = draw(st.sampled_from(statuses))
    started = status in ("active", "suspended", "ended") or draw(st.booleans())
    label = draw(st.sampled_from((None, "60-64", "70-79", "80-89", "80-84", "90-99", "90+", "100+")))
    rule = draw(st.sampled_from(StartRule))
    due = draw(
        st.one_of(
            st.just(str(next_change(born, period, rule))),
            st.sampled_from((str(period), str(period.next()))),
            st.just("9999-12"),
        )
    )
    return (
        f"e{n:04d}",
        born,
        draw(st.sampled_from(PLACES)),
        status,
        label if started else None,
        None,
        str(period) if started else None,
        due,
        proof,
        draw(mostly(False)),  # proof_lapsed
        draw(mostly(False)),  # ineligible
        draw(mostly(True)),  # resident
        draw(st.booleans()),  # dibao
        draw(st.sampled_from((None, 0, 50_000, 50_001, 200_000))),
    )


@st.composite
def case(draw: st.DrawFn) -> tuple[date, StandardsTable, list[tuple[Any, ...]]]:
    on = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 4 * 366)))
    if draw(st.booleans()):  # a month's last or first day
        on = date(on.year, on.month, 1) - timedelta(days=draw(st.integers(0, 1)))
    found = draw(st.lists(st.integers(0, 10**6), min_size=1, max_size=40, unique=True))
    return on, draw(standards(on)), [draw(row(n, on)) for n in found]


def expected(found: list[Any], table: StandardsTable, on: date) -> set[tuple[str, bool, str]]:
    """What the per-row decision acts on (``check_allowances`` before the sweep)."""
    period = Period.of(on)
    out = set()
    for r in found:
        if r["status"] not in rows.OPEN:
            continue
        s = rows.elder_of(r)
        t = terms_for(table, s.home, period)
        if d.check(s, t, on=on):
            out.add((r["elder_id"], True, ""))
        else:
            due = str(next_change(s.born, period, t.rule))
            if due != r["next_due"]:
                out.add((r["elder_id"], False, due))
    return out


async def test_the_sweep_acts_on_exactly_the_rows_the_per_row_decision_acts_on(eldercare: Running) -> None:
    loop = asyncio.get_running_loop()
    pool = eldercare.service.host.store.pool
    checked = {"examples": 0, "acting": 0, "decided": 0}

    def on_loop(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(30)

    async def one(on: date, table: StandardsTable, records: list[tuple[Any, ...]]) -> None:
        async with pool.acquire() as conn:
            await conn.execute("DELETE FROM allowance_elders")
            await conn.copy_records_to_table(
                "allowance_elders", records=records, columns=rows.COLUMNS.split(", ")
            )
            found = await conn.fetch(f"SELECT {rows.COLUMNS}, revision FROM allowance_elders")
            period = Period.of(on)
            count, acting = await sweep.acting(conn, lambda p: terms_for(table, p, period), period, on)
        want = expected(found, table, on)
        got = {(a.elder_id, a.decide, "" if a.decide else a.due) for a in acting}
        assert got == want, (on, list(table), sorted(got ^ want))
        assert count == sum(1 for r in found if r["status"] in rows.OPEN)
        checked["examples"] += 1
        checked["acting"] += len(want)
        checked["decided"] += sum(1 for w in want if w[1])

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case())
    def prop(example: tuple[date, StandardsTable, list[tuple[Any, ...]]]) -> None:
        on_loop(one(*example))

    await asyncio.to_thread(prop)
    # the examples act on rows both ways (not vacuous)
    assert checked["decided"] > 100 and checked["acting"] - checked["decided"] > 40, checked


async def test_the_cut_offs_are_the_last_days_that_qualify() -> None:
    for on in (date(2026, 3, 31), date(2026, 2, 28), date(2028, 2, 29), date(2026, 1, 1), date(2027, 7, 15)):
        for months in (1, 6, 12, 13, 36):
            cut = sweep.proof_cutoff(on, months)
            assert add_months(cut, months) <= on < add_months(cut + timedelta(days=1), months)
    from minzheng_eldercare.domain.allowance.bands import age_for_period

    for period in (Period(2026, 2), Period(2028, 2), Period(2026, 3), Period(2026, 12)):
        for rule in StartRule:
            for lower in THRESHOLDS:
                born = sweep.born_by(lower, period, rule)
                assert age_for_period(born, period, rule) >= lower
                assert age_for_period(born + timedelta(days=1), period, rule) < lower
