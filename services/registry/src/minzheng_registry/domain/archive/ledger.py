"""The archive's ledger of people (档案中的婚姻状况) and the flags of a record's own time.

Each person (by pseudonym token) has the marriages the archive holds of them, each open or
dissolved on a date. Rows of an import are entered oldest first (a divorce before a marriage on
the same day: a person may divorce and remarry on one day), against what the archive held before
and the rows before them:

- a marriage of a party under the legal age in force on its date (``marriage_age_male`` /
  ``marriage_age_female``: 20/18 under the 1950 law, 22/20 from 1981-01-01) is flagged
  ``husband_under_age`` / ``wife_under_age``, naming the standard;
- a marriage of a party the archive shows as married on that date (a marriage registered on or
  before it and not dissolved by then) is flagged ``husband_already_married`` /
  ``wife_already_married``;
- a divorce dissolves the latest open marriage of the same two people registered on or before it;
  with none, it is flagged ``no_matching_marriage`` (the marriage's page may not be digitised yet).

Flagged rows are imported with their flags, never dropped. The ledger knows only what the archive
holds: a marriage ended by a death shows as open here (the monogamy hook checks the spouse's death).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple
from uuid import UUID

from minzheng_kernel.standards import Standard, StandardsTable

from .records import Kind, ValidRow

MARRIAGE_AGE_MALE = "marriage_age_male"
MARRIAGE_AGE_FEMALE = "marriage_age_female"


class Flag(StrEnum):
    """A rule of its own time that an imported record breaks."""

    HUSBAND_UNDER_AGE = "husband_under_age"
    WIFE_UNDER_AGE = "wife_under_age"
    HUSBAND_ALREADY_MARRIED = "husband_already_married"
    WIFE_ALREADY_MARRIED = "wife_already_married"
    NO_MATCHING_MARRIAGE = "no_matching_marriage"


@dataclass(slots=True)
class Entry:
    """One marriage of a person in the archive."""

    record_id: str
    spouse: str
    registered_on: date
    dissolved_on: date | None = None
    dissolved_by: str | None = None

    def open_on(self, day: date) -> bool:
        return self.registered_on <= day and (self.dissolved_on is None or self.dissolved_on > day)


class Candidate(NamedTuple):
    """A valid row with its record id and the parties' tokens (the application computes them).

    A named tuple, like ``Archived``: immutable, and made in a quarter of a frozen dataclass's time
    (an import makes one of each a row)."""

    row: ValidRow
    record_id: str
    husband: str
    wife: str
    uuid: UUID | None = None
    """The record id as a UUID, where the caller has it (what the tables are written with)."""


class Archived(NamedTuple):
    """A row entered: its flags, the standards used and, for a divorce, the marriage it dissolves."""

    candidate: Candidate
    flags: tuple[Flag, ...]
    standard_ids: tuple[str, ...]
    dissolves: str | None = None


@dataclass
class Ledger:
    """People's marriages in the archive, by token: what a batch decides on and updates."""

    people: dict[str, list[Entry]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, Entry]]) -> Ledger:
        people: dict[str, list[Entry]] = {}
        for token, entry in rows:
            people.setdefault(token, []).append(entry)
        return cls(people)

    def married_on(self, token: str, day: date) -> bool:
        return any(e.open_on(day) for e in self.people.get(token, ()))

    def open_marriage_of(self, husband: str, wife: str, day: date) -> Entry | None:
        matches = [e for e in self.people.get(husband, ()) if e.spouse == wife and e.open_on(day)]
        return max(matches, key=lambda e: e.registered_on) if matches else None

    def add(self, token: str, entry: Entry) -> None:
        self.people.setdefault(token, []).append(entry)

    def dissolve(self, husband: str, wife: str, record_id: str, on: date, by: str) -> None:
        for token in (husband, wife):
            for entry in self.people.get(token, ()):
                if entry.record_id == record_id:
                    entry.dissolved_on = on
                    entry.dissolved_by = by


def age_on(born: date, day: date) -> int:
    """Full years on ``day``; an age is reached on the birthday, and a person born on 29 February
    reaches it on 28 February in a common year (Civil Code art. 202, registry-rules §1)."""
    birthday = (born.month, born.day)
    if birthday == (2, 29) and not _leap(day.year):
        birthday = (2, 28)
    return day.year - born.year - ((day.month, day.day) < birthday)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class MarriageAges:
    """The legal marriage ages in force on a date at an office (``StandardsTable.in_force``).

    An import asks for tens of thousands of (office, date) pairs, but the answer only changes on
    the days a standard of the office takes effect: each answer is remembered per office and
    period between two such days (the whole table's answer: the standards in force on a date are
    those in force on the last such day before it)."""

    def __init__(self, standards: StandardsTable) -> None:
        self._standards = standards
        self._tables: dict[tuple[str, str], tuple[StandardsTable, list[date]]] = {}
        self._seen: dict[tuple[str, str, int], Standard] = {}
        self._ids: dict[tuple[int, int], tuple[Standard, Standard, tuple[str, str]]] = {}

    def of(self, parameter: str, office: str, on: date) -> Standard:
        table, changes = self._table(parameter, office)
        period = bisect_right(changes, on)
        if period == 0:  # before any standard: the table's own refusal
            return table.in_force(parameter, office, on)
        key = (parameter, office, period)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = table.in_force(parameter, office, changes[period - 1])
        return found

    def both(self, office: str, on: date) -> tuple[Standard, Standard]:
        """The men's and the women's marriage age in force."""
        return self.of(MARRIAGE_AGE_MALE, office, on), self.of(MARRIAGE_AGE_FEMALE, office, on)

    def standard_ids(self, male: Standard, female: Standard) -> tuple[str, str]:
        """``(male.standard_id, female.standard_id)``, made once per pair (the pair and its ids kept
        together, so an id is never that of another pair)."""
        key = (id(male), id(female))
        found = self._ids.get(key)
        if found is None or found[0] is not male or found[1] is not female:
            found = self._ids[key] = (male, female, (male.standard_id, female.standard_id))
        return found[2]

    def same_standards(self, standards: StandardsTable) -> bool:
        """Whether ``standards`` are the ones these ages answer from (one of an import's units may
        reuse the ages of the unit before, and what they remember)."""
        return tuple(standards) == tuple(self._standards)

    def _table(self, parameter: str, office: str) -> tuple[StandardsTable, list[date]]:
        """The standards of ``parameter`` that may hold at ``office`` (its own and its parents'),
        in their order (``in_force`` on them is ``in_force`` on the whole table), and the days
        they take effect."""
        key = (parameter, office)
        found = self._tables.get(key)
        if found is None:
            mine = [
                s for s in self._standards if s.parameter == parameter and office.startswith(s.jurisdiction)
            ]
            found = self._tables[key] = (StandardsTable(mine), sorted({s.effective_from for s in mine}))
        return found


def _order(candidate: Candidate) -> tuple[date, int, int]:
    row = candidate.row
    return (row.registered_on, 0 if row.kind is Kind.DIVORCE else 1, row.line)


def enter(candidates: Sequence[Candidate], ledger: Ledger, ages: MarriageAges) -> list[Archived]:
    """Enter the rows (oldest first) into ``ledger``, deciding each one's flags; the ledger is
    updated as the rows are entered (so a later row of the same batch sees an earlier one)."""
    out: list[Archived] = []
    people = ledger.people
    for candidate in sorted(candidates, key=_order):
        row = candidate.row
        on = row.registered_on
        if row.kind is Kind.DIVORCE:
            marriage = ledger.open_marriage_of(candidate.husband, candidate.wife, on)
            if marriage is None:
                out.append(Archived(candidate, (Flag.NO_MATCHING_MARRIAGE,), ()))
                continue
            ledger.dissolve(candidate.husband, candidate.wife, marriage.record_id, on, candidate.record_id)
            out.append(Archived(candidate, (), (), marriage.record_id))
            continue
        husband, wife = candidate.husband, candidate.wife
        male, female = ages.both(row.office, on)
        flags: list[Flag] = []
        if age_on(row.husband_born, on) < male.value:
            flags.append(Flag.HUSBAND_UNDER_AGE)
        if age_on(row.wife_born, on) < female.value:
            flags.append(Flag.WIFE_UNDER_AGE)
        his, hers = people.get(husband), people.get(wife)  # most people: no marriage before
        if his is not None and any(e.open_on(on) for e in his):
            flags.append(Flag.HUSBAND_ALREADY_MARRIED)
        if hers is not None and any(e.open_on(on) for e in hers):
            flags.append(Flag.WIFE_ALREADY_MARRIED)
        record_id = candidate.record_id
        if his is None:
            people[husband] = [Entry(record_id, wife, on)]
        else:
            his.append(Entry(record_id, wife, on))
        if hers is None:
            people[wife] = [Entry(record_id, husband, on)]
        else:
            hers.append(Entry(record_id, husband, on))
        out.append(Archived(candidate, tuple(flags), ages.standard_ids(male, female)))
    return out
