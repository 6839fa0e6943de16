"""A row is a record or a rejection naming every problem and its field; a rejection's report
shows no ID in clear."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import make_resident_id
from minzheng_registry.domain.archive.records import (
    ArchiveRow,
    Kind,
    Problem,
    Rejection,
    ValidRow,
    parse_date,
    validate,
)

MAN = make_resident_id("330727", date(1950, 3, 1), 11).reveal()
WOMAN = make_resident_id("330727", date(1952, 6, 2), 22).reveal()
MAN_2 = make_resident_id("330727", date(1951, 1, 1), 33).reveal()
COUNTY = "330727"


def row(**changes: str | None) -> ArchiveRow:
    fields: dict[str, str | None] = {
        "certificate_number": " 婚字第 12 号 ",
        "party_a": WOMAN,
        "party_b": MAN,
        "registered_on": "1975-05-01",
        "office": "330727101",
        "kind": "marriage",
    }
    return ArchiveRow(**{**fields, **changes})


def problems(r: ArchiveRow) -> list[tuple[str, str]]:
    checked = validate(7, r, COUNTY)
    assert isinstance(checked, Rejection)
    return [(p.value, f) for p, f in checked.problems]


def test_a_valid_row_names_husband_and_wife_by_the_sex_digit() -> None:
    checked = validate(3, row(), COUNTY)
    assert isinstance(checked, ValidRow)
    assert (checked.husband.reveal(), checked.wife.reveal()) == (MAN, WOMAN)
    assert (checked.line, checked.kind, checked.certificate_number) == (3, Kind.MARRIAGE, "婚字第 12 号")
    assert checked.registered_on == date(1975, 5, 1)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("marriage", Kind.MARRIAGE),
        ("结婚", Kind.MARRIAGE),
        (" Divorce ", Kind.DIVORCE),
        ("离婚", Kind.DIVORCE),
    ],
)
def test_kinds_in_english_or_chinese(text: str, kind: Kind) -> None:
    checked = validate(1, row(kind=text), COUNTY)
    assert isinstance(checked, ValidRow) and checked.kind is kind


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"party_a": None}, [("missing_field", "party_a")]),
        ({"certificate_number": "  "}, [("missing_field", "certificate_number")]),
        ({"certificate_number": "婚\x00"}, [("invalid_certificate_number", "certificate_number")]),
        ({"party_b": MAN[:17] + ("1" if MAN[17] != "1" else "2")}, [("invalid_resident_id", "party_b")]),
        ({"party_b": "330727-1950"}, [("invalid_resident_id", "party_b")]),
        ({"party_a": MAN_2}, [("same_sex", "party_b")]),
        ({"party_a": MAN}, [("same_person", "party_b")]),
        ({"registered_on": "1950-04-30"}, [("date_out_of_range", "registered_on")]),
        ({"registered_on": "2004-01-01"}, [("date_out_of_range", "registered_on")]),
        ({"registered_on": "1975-02-30"}, [("invalid_date", "registered_on")]),
        (
            {
                "registered_on": "1951-01-01",
                "party_a": make_resident_id("330727", date(1952, 1, 1), 2).reveal(),
            },
            [("born_after_registration", "party_a")],
        ),
        ({"office": "3307"}, [("invalid_office", "office")]),
        ({"office": "330728"}, [("office_outside_county", "office")]),
        ({"kind": "engagement"}, [("invalid_kind", "kind")]),
    ],
)
def test_a_row_that_is_no_record_is_rejected_naming_the_field(
    changes: dict[str, str | None], expected: list[tuple[str, str]]
) -> None:
    assert problems(row(**changes)) == expected


def test_every_problem_of_a_row_is_named() -> None:
    found = problems(row(party_a="x", registered_on="1940-01-01", office=None, kind="?"))
    assert found == [
        (Problem.INVALID_RESIDENT_ID.value, "party_a"),
        (Problem.DATE_OUT_OF_RANGE.value, "registered_on"),
        (Problem.MISSING_FIELD.value, "office"),
        (Problem.INVALID_KIND.value, "kind"),
    ]


def test_the_period_is_inclusive() -> None:
    assert isinstance(
        validate(
            1,
            row(
                registered_on="1950-05-01",
                party_a=make_resident_id("330727", date(1930, 1, 1), 2).reveal(),
                party_b=make_resident_id("330727", date(1928, 1, 1), 1).reveal(),
            ),
            COUNTY,
        ),
        ValidRow,
    )
    assert isinstance(validate(1, row(registered_on="20031231"), COUNTY), ValidRow)


@pytest.mark.parametrize("text", ["1975-05-01", "1975/05/01", "1975.05.01", "19750501", " 19750501 "])
def test_dates_as_digitised(text: str) -> None:
    assert parse_date(text) == date(1975, 5, 1)


@pytest.mark.parametrize("text", ["1975-5-1", "01.05.1975", "1975-05/01", "", "一九七五年"])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_the_report_of_a_rejection_shows_no_id_in_clear() -> None:
    bad = MAN[:17] + ("1" if MAN[17] != "1" else "2")
    rejected = validate(
        9,
        row(party_a=bad, party_b=WOMAN, registered_on="1940-01-01", certificate_number=f"附 {WOMAN}"),
        COUNTY,
    )
    assert isinstance(rejected, Rejection)
    report = rejected.report()
    text = json.dumps(report, ensure_ascii=False)
    assert bad not in text and WOMAN not in text and WOMAN[6:14] not in text
    assert report["party_a"] == bad[:6] + "********" + bad[14:]
    assert report["line"] == 9


@given(st.text(max_size=20), st.text(max_size=20), st.text(max_size=12))
def test_any_text_is_a_record_or_a_rejection_never_an_error(a: str, b: str, on: str) -> None:
    checked = validate(1, row(party_a=a, party_b=b, registered_on=on), COUNTY)
    assert isinstance(checked, (ValidRow, Rejection))
    if isinstance(checked, Rejection):
        report = json.dumps(checked.report(), ensure_ascii=False)
        for text in (a, b):
            digits = "".join(c for c in text if c.isascii() and c.isdigit())
            if len(digits) >= 15:
                assert text.strip() not in report


_texts = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "x", "marriage", "离婚", "330727", "330727101", "990727", "1975-05-01"]),
    st.text(max_size=20),
)


@given(
    certificate=st.one_of(_texts, st.just(" 婚字第 12 号 ")),
    party_a=st.one_of(_texts, st.sampled_from([WOMAN, MAN, MAN_2, MAN.lower(), f" {WOMAN} "])),
    party_b=st.one_of(_texts, st.sampled_from([WOMAN, MAN, MAN_2, MAN[:6] + MAN[8:17]])),
    registered_on=st.one_of(
        _texts, st.sampled_from(["1975-05-01", "19500430", "1950-05-01", "2003/12/31", "2004-01-01"])
    ),
    office=st.one_of(_texts, st.sampled_from(["330727101", " 330727 ", "330728101", "330727101201"])),
    kind=st.one_of(_texts, st.sampled_from(["marriage", " 离婚 ", "DIVORCE", "结婚"])),
)
def test_the_straight_path_decides_as_the_full_check(
    certificate: str | None,
    party_a: str | None,
    party_b: str | None,
    registered_on: str | None,
    office: str | None,
    kind: str | None,
) -> None:
    from minzheng_registry.domain.archive.records import _rejection_or_row

    r = ArchiveRow(certificate, party_a, party_b, registered_on, office, kind)
    assert validate(5, r, COUNTY) == _rejection_or_row(5, r, COUNTY)
