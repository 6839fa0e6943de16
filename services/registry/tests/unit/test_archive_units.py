"""An import's units decide what one pass over all its rows decides: a unit decided early (on what
the unit before read of the archive, with that unit's ledger laid over it) flags and dissolves
exactly as the same unit decided after the one before committed, and changes nothing the unit
before writes."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng_contracts import ResidentId, make_resident_id
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_registry.application.archive.units import Decision, Part, Seen, decide
from minzheng_registry.domain.archive.ledger import Candidate, Entry, Ledger, MarriageAges, enter
from minzheng_registry.domain.archive.records import Kind, ValidRow

AGES = MarriageAges(
    StandardsTable(
        [
            Standard("marriage_age_male", "330727", date(1950, 5, 1), 20),
            Standard("marriage_age_female", "330727", date(1950, 5, 1), 18),
            Standard("marriage_age_male", "330727", date(1981, 1, 1), 22),
            Standard("marriage_age_female", "330727", date(1981, 1, 1), 20),
        ]
    )
)
MEN = [make_resident_id("330727", date(1940 + k, 3, 1), 2 * k + 1) for k in range(4)]
WOMEN = [make_resident_id("330727", date(1942 + k, 5, 2), 2 * k) for k in range(4)]

Db = dict[str, list[Entry]]
"""The archive's ledger as committed, by person token."""


def token(person: ResidentId) -> str:
    return f"t-{person.reveal()}"


def candidate(line: int, kind: Kind, man: int, woman: int, days: int) -> Candidate:
    husband, wife = MEN[man], WOMEN[woman]
    on = date(1960, 1, 1) + timedelta(days=days)
    row = ValidRow(
        line, kind, f"c{line}", husband, wife, on, "330727101", husband.birth_date, wife.birth_date
    )
    uid = UUID(int=line)
    return Candidate(row, str(uid), token(husband), token(wife), uid)


rows = st.lists(
    st.tuples(
        st.sampled_from([Kind.MARRIAGE, Kind.MARRIAGE, Kind.DIVORCE]),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 15_000),
    ),
    min_size=1,
    max_size=24,
)


def oldest_first(items: list[tuple[Kind, int, int, int]]) -> list[Candidate]:
    candidates = [candidate(line, *item) for line, item in enumerate(items, start=1)]
    return sorted(candidates, key=lambda c: (c.row.registered_on, c.row.kind is Kind.MARRIAGE, c.row.line))


def copied(entries: list[Entry]) -> list[Entry]:
    return [Entry(e.record_id, e.spouse, e.registered_on, e.dissolved_on, e.dissolved_by) for e in entries]


def seen(db: Db, part: Part) -> Seen:
    """What ``units.read`` returns for the part (no record of it in the archive yet)."""
    return Seen(set(), [(t, e) for t in part.people() for e in copied(db.get(t, []))], AGES)


def commit(db: Db, decision: Decision) -> None:
    """What the unit's rows leave in the archive: its parties' marriages as its ledger has them."""
    for t, entries in decision.ledger.people.items():
        db[t] = copied(entries)


def outcome(decisions: list[Decision]) -> dict[str, tuple[tuple[str, ...], str | None]]:
    return {a.candidate.record_id: (tuple(a.flags), a.dissolves) for d in decisions for a in d.entered}


@settings(max_examples=300, deadline=None)
@given(items=rows, size=st.integers(1, 6))
def test_units_decided_early_decide_what_units_after_the_commit_and_one_pass_decide(
    items: list[tuple[Kind, int, int, int]], size: int
) -> None:
    candidates = oldest_first(items)
    parts = [Part(candidates[i : i + size], i) for i in range(0, len(candidates), size)]
    # each unit decided after the one before committed (in the unit)
    db: Db = {}
    in_unit = []
    for part in parts:
        decision = decide(part, seen(db, part))
        commit(db, decision)
        in_unit.append(decision)
    # unit k+1 decided on what unit k read before writing, with k's ledger laid over it
    early_db: Db = {}
    early = [decide(parts[0], seen(early_db, parts[0]))]
    for part in parts[1:]:
        read_by_before = seen(early_db, part)
        before = early[-1]
        kept = {t: copied(e) for t, e in before.ledger.people.items()}
        early.append(decide(part, read_by_before, before.ledger))
        assert before.ledger.people == kept, "deciding early changes nothing the unit before writes"
        commit(early_db, before)
    commit(early_db, early[-1])
    one_pass = enter(candidates, Ledger(), AGES)
    expected = {a.candidate.record_id: (tuple(a.flags), a.dissolves) for a in one_pass}
    assert outcome(in_unit) == expected
    assert outcome(early) == expected
    assert early_db == db


fields = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["婚字第 1 号", '"\\\n\u2028', "\x00é"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(fields, fields, fields, fields, fields, fields), max_size=6))
def test_an_imports_content_digest_is_that_of_its_rows_as_json_arrays(
    items: list[tuple[str | None, ...]],
) -> None:
    import hashlib
    import json

    from minzheng_registry.application.archive.imports import content_digest
    from minzheng_registry.domain.archive.records import ArchiveRow

    rows = [ArchiveRow(*item) for item in items]
    text = "".join(json.dumps(list(item), ensure_ascii=False) + "\n" for item in items)
    assert content_digest(rows) == hashlib.sha256(text.encode()).hexdigest()
