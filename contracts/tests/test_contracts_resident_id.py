"""ResidentId (公民身份号码): validation, masking, serialisation."""

from __future__ import annotations

import copy
import pickle
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from minzheng_contracts import (
    ContractModel,
    InvalidResidentIdError,
    ResidentId,
    make_resident_id,
    mask_resident_ids,
    resident_id_checksum,
)

KNOWN = "11010519491231002X"  # the example of GB 11643-1999

PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"
)
regions = st.builds(
    str.__add__, st.sampled_from(PROVINCES.split()), st.from_regex(r"[0-9]{4}", fullmatch=True)
)
births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
sequences = st.integers(min_value=0, max_value=999)
resident_ids = st.builds(make_resident_id, regions, births, sequences)


class Person(ContractModel):
    resident_id: ResidentId


def test_known_id_validates_and_lowercase_x_is_normalised() -> None:
    assert ResidentId(KNOWN.lower()).reveal() == KNOWN
    assert ResidentId(f"  {KNOWN} ") == ResidentId(KNOWN)
    assert resident_id_checksum(KNOWN[:17]) == "X"


def test_properties() -> None:
    rid = ResidentId(KNOWN)
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.region_code == "110105"
    assert rid.sex == "female"
    assert make_resident_id("330727", date(1990, 1, 1), 123).sex == "male"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002Y", "17 digits followed by a digit or 'X'"),
        ("110105194912310021", "checksum does not match"),
        ("1101051949123100", "18 characters"),
        ("1101051949123100211", "18 characters"),
        ("110105194902300027", "not a valid date"),
        ("110105189912310021", "1900 or later"),
        ("１１０１０５１９４９１２３１００２X", "17 digits"),
    ],
)
def test_invalid_ids_are_rejected_with_a_clear_message(value: str, message: str) -> None:
    with pytest.raises(InvalidResidentIdError, match=message):
        ResidentId(value)
    with pytest.raises(ValidationError, match=message) as caught:
        Person(resident_id=value)
    assert value not in str(caught.value), "contracts hide inputs in validation errors"


def test_non_string_is_rejected() -> None:
    with pytest.raises(ValidationError, match="must be a string"):
        Person.model_validate({"resident_id": 110105194912310021})


def test_never_printed_in_clear() -> None:
    rid = ResidentId(KNOWN)
    masked = "110105********002X"
    assert str(rid) == masked
    assert repr(rid) == f"ResidentId('{masked}')"
    assert f"{rid}" == masked
    assert format(rid, ">20") == f"  {masked}"
    assert "%s" % rid == masked  # noqa: UP031 - the old formatting path must mask too
    assert "{}".format(rid) == masked  # noqa: UP032
    person = Person(resident_id=rid)
    for text in (str(person), repr(person), str(person.model_dump()), str([rid]), str({"id": rid})):
        assert KNOWN not in text and "19491231" not in text


def test_json_carries_the_full_value_and_python_dump_keeps_it_masked() -> None:
    person = Person(resident_id=KNOWN)
    assert person.model_dump(mode="json") == {"resident_id": KNOWN}
    assert person.model_dump_json() == f'{{"resident_id":"{KNOWN}"}}'
    assert isinstance(person.model_dump()["resident_id"], ResidentId)
    assert Person.model_validate_json(person.model_dump_json()) == person


def test_value_semantics() -> None:
    a, b = ResidentId(KNOWN), ResidentId(KNOWN.lower())
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != KNOWN, "no equality with str: compare reveal() explicitly"
    assert copy.deepcopy(a) == a and pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(AttributeError):
        a._value = "x"


def test_plain_models_get_the_same_type() -> None:
    class Loose(BaseModel):
        rid: ResidentId

    assert Loose(rid=KNOWN).rid == ResidentId(KNOWN)


def test_mask_resident_ids_in_text() -> None:
    text = f"申请人 {KNOWN}, spouse=330727197011020422; order 12345678901234567890; ids:{KNOWN.lower()}."
    masked = mask_resident_ids(text)
    assert masked == (
        "申请人 110105********002X, spouse=330727********0422; order 12345678901234567890; "
        "ids:110105********002x."
    )
    assert mask_resident_ids("no ids here 2024-07-01") == "no ids here 2024-07-01"


@given(resident_ids)
def test_generated_ids_always_validate(rid: ResidentId) -> None:
    assert ResidentId(rid.reveal()) == rid
    assert Person.model_validate_json(Person(resident_id=rid).model_dump_json()).resident_id == rid


@given(resident_ids, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_any_single_character_change_breaks_the_checksum(rid: ResidentId, position: int, shift: int) -> None:
    value = rid.reveal()
    alphabet = "0123456789X" if position == 17 else "0123456789"
    original = alphabet.index(value[position])
    replacement = alphabet[(original + shift) % len(alphabet)]
    if replacement == value[position]:
        return
    changed = value[:position] + replacement + value[position + 1 :]
    if position < 17:
        assert resident_id_checksum(changed[:17]) != value[17]
    with pytest.raises(InvalidResidentIdError):
        ResidentId(changed)


@given(resident_ids, st.text(max_size=20), st.text(max_size=20))
def test_masking_never_reveals_the_birth_date(rid: ResidentId, before: str, after: str) -> None:
    birth = rid.reveal()[6:14]
    for shown in (str(rid), repr(rid), f"{rid}", format(rid, "^30"), repr(Person(resident_id=rid))):
        assert birth not in shown
        assert re.search(r"[0-9]{7}", shown) is None
    embedded = mask_resident_ids(f"{before} {rid.reveal()} {after}")
    assert rid.reveal() not in embedded
    assert f"{rid.reveal()[:6]}********{rid.reveal()[14:]}" in embedded


def test_an_id_of_no_province_or_born_in_the_future_is_refused() -> None:
    from datetime import date, timedelta

    from minzheng_contracts.resident_id import resident_id_checksum

    def with_check(body: str) -> str:
        return body + resident_id_checksum(body)

    with pytest.raises(InvalidResidentIdError, match="province"):
        ResidentId(with_check("00000019800101001"))
    with pytest.raises(InvalidResidentIdError, match="province"):
        ResidentId(with_check("99072719800101001"))
    tomorrow = date.today() + timedelta(days=2)
    with pytest.raises(InvalidResidentIdError, match="future"):
        ResidentId(with_check(f"330727{tomorrow:%Y%m%d}001"))
    assert ResidentId(with_check("33072719800101001")).region_code == "330727"


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_the_checksum_is_the_weighted_sum_of_gb_11643(body: str) -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    assert resident_id_checksum(body) == "10X98765432"[total % 11]


@pytest.mark.parametrize(
    "body", ["3307271980010100１", "+3307271980010100", "33072719800101_01", " 3307271980010101"]
)
def test_a_body_that_is_not_17_ascii_digits_is_refused(body: str) -> None:
    with pytest.raises(InvalidResidentIdError):
        resident_id_checksum(body)
    with pytest.raises(InvalidResidentIdError):
        ResidentId(body + "X")
