"""A row of the historical marriage archive (历史婚姻档案, 1950–2003) as the bureau digitised it,
its validation, and the events of an import.

A row is a marriage (结婚登记) or a divorce (离婚登记) between two parties, each named by resident ID
(old 15-digit numbers are upgraded to 18). A row that cannot be a record (a missing field, an ID
that does not validate, a date outside 1950-05-01..2003-12-31, two people of one sex, an office
outside the county) is *rejected*: it goes to the import's report with its IDs masked, and nothing
else is written. A row that is a record but breaks the rules of its own time is *flagged* and
imported (``ledger.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple, TypedDict

from minzheng_contracts.resident_id import InvalidResidentIdError, ResidentId, mask_resident_ids
from minzheng_kernel.events import DomainEvent, EventTypes

from .ids import masked, parse_resident_id

FIRST_DAY = date(1950, 5, 1)
"""The 1950 Marriage Law came into force (婚姻法 1950-05-01): the archive's first day."""
LAST_DAY = date(2003, 12, 31)
"""The end of the digitised period (the 2003 条例 took over on 2003-10-01; the bureau entered the
paper registers to the end of 2003)."""
MAX_CERTIFICATE = 64
MAX_TEXT = 64


class Kind(StrEnum):
    """What a row records. A divorce row dissolves the matching marriage of the same two people
    (the latest one registered on or before the divorce that the archive shows as not dissolved)."""

    MARRIAGE = "marriage"  # 结婚登记
    DIVORCE = "divorce"  # 离婚登记


_KINDS = {"marriage": Kind.MARRIAGE, "结婚": Kind.MARRIAGE, "divorce": Kind.DIVORCE, "离婚": Kind.DIVORCE}


class Problem(StrEnum):
    """Why a row is rejected (not a record at all)."""

    MISSING_FIELD = "missing_field"
    INVALID_RESIDENT_ID = "invalid_resident_id"
    INVALID_DATE = "invalid_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    BORN_AFTER_REGISTRATION = "born_after_registration"
    SAME_SEX = "same_sex"
    SAME_PERSON = "same_person"
    INVALID_KIND = "invalid_kind"
    INVALID_OFFICE = "invalid_office"
    OFFICE_OUTSIDE_COUNTY = "office_outside_county"
    INVALID_CERTIFICATE_NUMBER = "invalid_certificate_number"


PROBLEM_TEXT: dict[Problem, str] = {
    Problem.MISSING_FIELD: "the field is empty",
    Problem.INVALID_RESIDENT_ID: "not a valid resident ID (15 digits, or 17 digits and a check character)",
    Problem.INVALID_DATE: "not a date (YYYY-MM-DD or YYYYMMDD)",
    Problem.DATE_OUT_OF_RANGE: f"outside the archive's period {FIRST_DAY}..{LAST_DAY}",
    Problem.BORN_AFTER_REGISTRATION: "the ID's birth date is after the registration date",
    Problem.SAME_SEX: "both parties are of one sex by the ID (digit 17): a marriage is of a man and a woman",
    Problem.SAME_PERSON: "both parties are the same person",
    Problem.INVALID_KIND: "kind is marriage (结婚) or divorce (离婚)",
    Problem.INVALID_OFFICE: "not a division code (6, 9 or 12 digits)",
    Problem.OFFICE_OUTSIDE_COUNTY: "the office is not within this county",
    Problem.INVALID_CERTIFICATE_NUMBER: f"at most {MAX_CERTIFICATE} printable characters",
}


@dataclass(frozen=True, slots=True)
class ArchiveRow:
    """One row as written (every field free text, possibly missing). ``party_a``/``party_b`` are
    the two parties in either order: husband and wife are told by the ID's sex digit."""

    certificate_number: str | None
    party_a: str | None
    party_b: str | None
    registered_on: str | None
    office: str | None
    kind: str | None


class ValidRow(NamedTuple):
    """A row that is a record: husband and wife validated, the date within the period (a named
    tuple: immutable, and made in a quarter of a frozen dataclass's time, once a row)."""

    line: int
    kind: Kind
    certificate_number: str
    husband: ResidentId
    wife: ResidentId
    registered_on: date
    office: str
    husband_born: date
    wife_born: date

    @property
    def business_key(self) -> str:
        """What makes a row the same record when it is imported again: office, certificate number
        (spaces and case normalised), both IDs (as 18 characters), date. Personal data: only ever
        the input of a keyed pseudonym."""
        certificate = " ".join(self.certificate_number.split()).upper()
        return "|".join(
            (
                self.office,
                certificate,
                self.husband.reveal(),
                self.wife.reveal(),
                self.registered_on.isoformat(),
            )
        )


class ProblemData(TypedDict):
    code: str
    field: str


class RejectedRow(TypedDict):
    """A rejected row in the report: IDs masked (``ids.masked``), never in clear."""

    line: int
    problems: list[ProblemData]
    party_a: str
    party_b: str
    certificate_number: str
    registered_on: str


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    problems: tuple[tuple[Problem, str], ...]
    """(problem, field) pairs."""
    row: ArchiveRow

    def report(self) -> RejectedRow:
        row = self.row
        return RejectedRow(
            line=self.line,
            problems=[ProblemData(code=p.value, field=f) for p, f in self.problems],
            party_a=masked(row.party_a or ""),
            party_b=masked(row.party_b or ""),
            certificate_number=mask_resident_ids((row.certificate_number or "")[:MAX_CERTIFICATE]),
            registered_on=(row.registered_on or "")[:10],
        )


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD`` or ``YYYYMMDD``; ``None`` if it is none of them."""
    value = text.strip()
    if len(value) == 10 and value[4] == value[7] and value[4] in "-/.":
        value = value[:4] + value[5:7] + value[8:]
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _office(text: str) -> str | None:
    value = text.strip()
    if len(value) in (6, 9, 12) and value.isascii() and value.isdigit() and value[:2] != "00":
        return value
    return None


def _printable(text: str) -> bool:
    return text.isprintable() and len(text) <= MAX_CERTIFICATE


def validate(line: int, row: ArchiveRow, county: str) -> ValidRow | Rejection:
    """The row as a record, or its rejection with every problem found (each naming its field).

    A row that passes every check in one go (as nearly every row of an import does) is taken on
    the straight path, each ID parsed once; any other is checked again by ``_rejection_or_row``,
    which names every problem (it alone decides on a row the straight path does not take)."""
    certificate, party_a, party_b = row.certificate_number, row.party_a, row.party_b
    registered_on, office_text, kind_text = row.registered_on, row.office, row.kind
    if certificate and party_a and party_b and registered_on and office_text and kind_text:
        certificate = certificate.strip()
        kind = _KINDS.get(kind_text.strip().lower())
        office = _office(office_text)
        on = parse_date(registered_on)
        if (
            certificate
            and kind is not None
            and office is not None
            and office.startswith(county)
            and on is not None
            and FIRST_DAY <= on <= LAST_DAY
            and _printable(certificate)
        ):
            try:
                a, b = parse_resident_id(party_a), parse_resident_id(party_b)
            except InvalidResidentIdError:
                pass
            else:
                sex_a = a.sex
                if a != b and sex_a != b.sex:
                    born_a, born_b = a.birth_date, b.birth_date
                    if born_a <= on and born_b <= on:
                        if sex_a == "male":
                            return ValidRow(line, kind, certificate, a, b, on, office, born_a, born_b)
                        return ValidRow(line, kind, certificate, b, a, on, office, born_b, born_a)
    return _rejection_or_row(line, row, county)


def _rejection_or_row(line: int, row: ArchiveRow, county: str) -> ValidRow | Rejection:
    """``validate`` checking every field in turn, collecting every problem."""
    problems: list[tuple[Problem, str]] = []

    def present(value: str | None, name: str) -> str | None:
        if value is None or not value.strip():
            problems.append((Problem.MISSING_FIELD, name))
            return None
        return value

    certificate = present(row.certificate_number, "certificate_number")
    if certificate is not None and not _printable(certificate.strip()):
        problems.append((Problem.INVALID_CERTIFICATE_NUMBER, "certificate_number"))
    parties: list[ResidentId | None] = []
    for name, value in (("party_a", row.party_a), ("party_b", row.party_b)):
        text = present(value, name)
        person: ResidentId | None = None
        if text is not None:
            try:
                person = parse_resident_id(text)
            except InvalidResidentIdError:
                problems.append((Problem.INVALID_RESIDENT_ID, name))
        parties.append(person)
    on: date | None = None
    text = present(row.registered_on, "registered_on")
    if text is not None:
        on = parse_date(text)
        if on is None:
            problems.append((Problem.INVALID_DATE, "registered_on"))
        elif not FIRST_DAY <= on <= LAST_DAY:
            problems.append((Problem.DATE_OUT_OF_RANGE, "registered_on"))
            on = None
    office: str | None = None
    text = present(row.office, "office")
    if text is not None:
        office = _office(text)
        if office is None:
            problems.append((Problem.INVALID_OFFICE, "office"))
        elif not office.startswith(county):
            problems.append((Problem.OFFICE_OUTSIDE_COUNTY, "office"))
    kind: Kind | None = None
    text = present(row.kind, "kind")
    if text is not None:
        kind = _KINDS.get(text.strip().lower())
        if kind is None:
            problems.append((Problem.INVALID_KIND, "kind"))
    a, b = parties
    if a is not None and b is not None:
        if a == b:
            problems.append((Problem.SAME_PERSON, "party_b"))
        elif a.sex == b.sex:
            problems.append((Problem.SAME_SEX, "party_b"))
    born = [None if p is None else p.birth_date for p in parties]
    if on is not None:
        for name, birth in zip(("party_a", "party_b"), born, strict=True):
            if birth is not None and birth > on:
                problems.append((Problem.BORN_AFTER_REGISTRATION, name))
    if problems:
        return Rejection(line, tuple(problems), row)
    assert a is not None and b is not None and on is not None and office is not None
    assert kind is not None and certificate is not None
    born_a, born_b = born
    assert born_a is not None and born_b is not None
    if a.sex == "male":
        return ValidRow(line, kind, certificate.strip(), a, b, on, office, born_a, born_b)
    return ValidRow(line, kind, certificate.strip(), b, a, on, office, born_b, born_a)


# ---------------------------------------------------------------------------------------- events


class ArchivedRecord(TypedDict):
    """A historical record entered in the archive (历史婚姻档案补录). ``flags`` are the rules of its
    own time it breaks (``ledger.Flag``), ``standard_ids`` the marriage ages it was checked against;
    a divorce names the marriage it ``dissolves`` (``None``: the archive holds no matching marriage,
    flagged)."""

    record_id: str
    kind: str
    certificate_number: str
    husband: str
    wife: str
    registered_on: str
    office: str
    flags: list[str]
    standard_ids: list[str]
    dissolves: str | None


@dataclass(frozen=True, slots=True)
class HistoricalRecordsImported(DomainEvent):
    """Records of an import entered, at most ``RECORDS_PER_EVENT``, oldest first: the only event of
    its stream ``archive-<import_id>-<chunk>`` (published as one message)."""

    import_id: str
    chunk: int
    records: list[ArchivedRecord]


@dataclass(frozen=True, slots=True)
class HistoricalRowsRejected(DomainEvent):
    """Rows of an import that are no record (the report's part; IDs masked), at most
    ``REPORT_CHUNK`` per event."""

    import_id: str
    rows: list[RejectedRow]


@dataclass(frozen=True, slots=True)
class HistoricalImportCompleted(DomainEvent):
    """An import finished: how many rows it read, imported, found already in the archive (a
    re-import adds nothing), rejected and flagged."""

    import_id: str
    source: str
    rows: int
    imported: int
    already_present: int
    rejected: int
    flagged: int


REPORT_CHUNK = 1000
RECORDS_PER_EVENT = 1000
"""As the contract's ``MAX_RECORDS``: one published message per event."""
ARCHIVE_EVENTS = EventTypes(HistoricalRecordsImported, HistoricalRowsRejected, HistoricalImportCompleted)
