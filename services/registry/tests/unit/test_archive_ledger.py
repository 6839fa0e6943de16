"""The flags of a record's own time: the legal age in force on its date (1950 law 20/18, from
1981 22/20; a 29 February birthday), married twice without a dissolution, and divorces that
dissolve the matching marriage (or are flagged when the archive holds none)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import ResidentId, make_resident_id
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_registry.domain.archive.ledger import (
    Candidate,
    Entry,
    Flag,
    Ledger,
    MarriageAges,
    age_on,
    enter,
)
from minzheng_registry.domain.archive.records import Kind, ValidRow

STANDARDS = StandardsTable(
    [
        Standard("marriage_age_male", "330727", date(1950, 5, 1), 20),
        Standard("marriage_age_female", "330727", date(1950, 5, 1), 18),
        Standard("marriage_age_male", "330727", date(1981, 1, 1), 22),
        Standard("marriage_age_female", "330727", date(1981, 1, 1), 20),
    ]
)
_seq = iter(range(1, 10**6))


def person(born: date, sex: str) -> ResidentId:
    n = next(_seq) * 2 % 1000
    return make_resident_id("330727", born, n + 1 if sex == "male" else n)


def candidate(kind: Kind, husband: ResidentId, wife: ResidentId, on: date, line: int = 1) -> Candidate:
    row = ValidRow(
        line, kind, f"c{line}", husband, wife, on, "330727101", husband.birth_date, wife.birth_date
    )
    return Candidate(row, f"r{line}", f"t-{husband.reveal()}", f"t-{wife.reveal()}")


def flags_of(*candidates: Candidate, ledger: Ledger | None = None) -> dict[str, tuple[Flag, ...]]:
    entered = enter(list(candidates), ledger or Ledger(), MarriageAges(STANDARDS))
    return {a.candidate.record_id: a.flags for a in entered}


@pytest.mark.parametrize(
    ("born_m", "born_f", "on", "expected"),
    [
        (date(1938, 2, 10), date(1940, 2, 10), date(1958, 2, 10), ()),  # 20 and 18 that day
        (date(1938, 2, 11), date(1940, 2, 10), date(1958, 2, 10), (Flag.HUSBAND_UNDER_AGE,)),
        (date(1938, 2, 10), date(1940, 2, 11), date(1958, 2, 10), (Flag.WIFE_UNDER_AGE,)),
        (date(1959, 1, 2), date(1961, 1, 2), date(1980, 12, 31), ()),  # 21 and 19 under the 1950 law
        (date(1959, 1, 2), date(1961, 1, 2), date(1981, 1, 1), (Flag.HUSBAND_UNDER_AGE, Flag.WIFE_UNDER_AGE)),
        (date(1960, 2, 29), date(1962, 1, 1), date(1982, 2, 28), ()),  # 22 on 28 Feb of a common year
        (date(1960, 2, 29), date(1962, 1, 1), date(1982, 2, 27), (Flag.HUSBAND_UNDER_AGE,)),
    ],
)
def test_the_legal_age_in_force_on_the_date(
    born_m: date, born_f: date, on: date, expected: tuple[Flag, ...]
) -> None:
    c = candidate(Kind.MARRIAGE, person(born_m, "male"), person(born_f, "female"), on)
    assert flags_of(c)["r1"] == expected


def test_the_standards_used_are_named() -> None:
    c = candidate(
        Kind.MARRIAGE, person(date(1950, 1, 1), "male"), person(date(1950, 1, 1), "female"), date(1985, 1, 1)
    )
    (archived,) = enter([c], Ledger(), MarriageAges(STANDARDS))
    assert archived.standard_ids == (
        "marriage_age_male:330727:1981-01-01",
        "marriage_age_female:330727:1981-01-01",
    )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1990, 12, 31)), st.integers(0, 40 * 366))
def test_age_grows_by_one_on_each_birthday(born: date, days: int) -> None:
    from datetime import timedelta

    day = born + timedelta(days=days)
    age = age_on(born, day)
    assert 0 <= age <= days // 365
    assert age_on(born, day + timedelta(days=1)) in (age, age + 1)


M = person(date(1950, 1, 1), "male")
W1 = person(date(1952, 1, 1), "female")
W2 = person(date(1953, 1, 1), "female")


def test_married_twice_without_a_dissolution_is_flagged() -> None:
    got = flags_of(
        candidate(Kind.MARRIAGE, M, W1, date(1975, 1, 1), 1),
        candidate(Kind.MARRIAGE, M, W2, date(1978, 1, 1), 2),
    )
    assert got == {"r1": (), "r2": (Flag.HUSBAND_ALREADY_MARRIED,)}


def test_a_divorce_dissolves_the_marriage_and_a_remarriage_the_same_day_is_not_flagged() -> None:
    ledger = Ledger()
    entered = enter(
        [
            candidate(Kind.MARRIAGE, M, W2, date(1978, 1, 1), 3),  # listed first, entered last
            candidate(Kind.DIVORCE, M, W1, date(1978, 1, 1), 2),
            candidate(Kind.MARRIAGE, M, W1, date(1975, 1, 1), 1),
        ],
        ledger,
        MarriageAges(STANDARDS),
    )
    assert [(a.candidate.record_id, a.flags, a.dissolves) for a in entered] == [
        ("r1", (), None),
        ("r2", (), "r1"),
        ("r3", (), None),
    ]
    first = next(e for e in ledger.people[f"t-{M.reveal()}"] if e.record_id == "r1")
    assert (first.dissolved_on, first.dissolved_by) == (date(1978, 1, 1), "r2")


def test_a_divorce_of_no_archived_marriage_is_flagged() -> None:
    got = flags_of(
        candidate(Kind.MARRIAGE, M, W1, date(1980, 1, 1), 1),
        candidate(Kind.DIVORCE, M, W1, date(1979, 1, 1), 2),  # before the marriage
        candidate(Kind.DIVORCE, M, W2, date(1985, 1, 1), 3),  # another couple
    )
    assert got["r2"] == (Flag.NO_MATCHING_MARRIAGE,) and got["r3"] == (Flag.NO_MATCHING_MARRIAGE,)


def test_the_ledger_of_earlier_imports_counts() -> None:
    before = Ledger.of([(f"t-{W1.reveal()}", Entry("old", "t-someone", date(1970, 1, 1)))])
    got = flags_of(candidate(Kind.MARRIAGE, M, W1, date(1975, 1, 1), 1), ledger=before)
    assert got["r1"] == (Flag.WIFE_ALREADY_MARRIED,)
    dissolved = Ledger.of(
        [(f"t-{W1.reveal()}", Entry("old", "t-x", date(1970, 1, 1), date(1974, 1, 1), "d"))]
    )
    assert flags_of(candidate(Kind.MARRIAGE, M, W1, date(1975, 1, 1), 1), ledger=dissolved)["r1"] == ()


@given(st.dates(min_value=date(1950, 5, 1), max_value=date(2003, 12, 31)))
def test_the_pair_of_marriage_ages_is_each_age_in_force(on: date) -> None:
    ages = MarriageAges(STANDARDS)
    male, female = ages.both("330727101", on)
    assert male == STANDARDS.in_force("marriage_age_male", "330727101", on)
    assert female == STANDARDS.in_force("marriage_age_female", "330727101", on)
    assert ages.both("330727101", on) == ages.both("330727101", on)


def test_an_import_computes_each_person_token_once_and_as_people_does() -> None:
    from types import SimpleNamespace

    from minzheng_eventstore.pseudonym import Pseudonyms
    from minzheng_registry.application.archive.units import Tokens
    from minzheng_registry.application.people import person_token

    pseudonyms = Pseudonyms(b"k" * 32)
    tokens = Tokens(SimpleNamespace(pseudonyms=pseudonyms))  # type: ignore[arg-type]
    man = person(date(1950, 1, 1), "male")
    assert tokens.of(man) == person_token(pseudonyms, man) == tokens.of(ResidentId(man.reveal()))
    assert len(tokens._known) == 1
    woman = person(date(1952, 1, 1), "female")
    row = ValidRow(
        1, Kind.MARRIAGE, "c", man, woman, date(1975, 1, 1), "330727101", man.birth_date, woman.birth_date
    )
    (made,) = tokens.candidates([(row, row.business_key)])
    rid = pseudonyms.uuid("registry-archive-record", row.business_key)
    assert made == Candidate(
        row, str(rid), person_token(pseudonyms, man), person_token(pseudonyms, woman), rid
    )
    assert len(tokens._known) == 2


@given(
    st.sampled_from(["330727101", "330727102", "330727", "330728101"]),
    st.dates(min_value=date(1940, 1, 1), max_value=date(2003, 12, 31)),
)
def test_the_marriage_ages_are_what_the_whole_table_has_in_force(office: str, on: date) -> None:
    from minzheng_kernel.errors import DomainError

    table = StandardsTable(
        [
            *STANDARDS,
            Standard("marriage_age_male", "330727101", date(1990, 1, 1), 23),
            Standard("marriage_age_female", "33", date(1940, 1, 1), 17),
            Standard("dibao_rural", "330727", date(1950, 1, 1), 100),
        ]
    )
    ages = MarriageAges(table)
    for parameter in ("marriage_age_male", "marriage_age_female"):
        try:
            expected = table.in_force(parameter, office, on)
        except DomainError as refused:
            with pytest.raises(DomainError) as got:
                ages.of(parameter, office, on)
            assert (got.value.code, str(got.value)) == (refused.code, str(refused))
        else:
            assert ages.of(parameter, office, on) == expected


def test_the_cycle_collector_is_paused_in_nested_spans_and_resumed_as_it_was() -> None:
    import gc

    from minzheng_registry.application.archive.imports import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
    try:
        with collector_paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()
