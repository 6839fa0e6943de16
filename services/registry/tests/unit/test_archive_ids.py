"""Old 15-digit IDs become 18 (the century digits and the MOD 11-2 check character), and a report
shows an ID without its birth date, or with no digit at all when it is no ID."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import ResidentId, make_resident_id
from minzheng_contracts.resident_id import InvalidResidentIdError, resident_id_checksum
from minzheng_registry.domain.archive.ids import UNREADABLE, masked, parse_resident_id, upgrade_15_to_18

births = st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
regions = st.sampled_from(["330727", "110105", "440305", "510104"])


def old_id(region: str, born: date, seq: int) -> str:
    return f"{region}{born:%y%m%d}{seq:03d}"


@given(regions, births, sequences)
def test_an_upgraded_id_is_the_18_character_id_of_the_same_person(region: str, born: date, seq: int) -> None:
    new = upgrade_15_to_18(old_id(region, born, seq))
    person = ResidentId(new)  # the checksum holds
    assert new[:6] == region and new[6:8] == "19" and new[8:17] == f"{born:%y%m%d}{seq:03d}"
    assert person.birth_date == born
    assert person.sex == ("male" if seq % 2 else "female")
    assert new[17] == resident_id_checksum(new[:17])
    assert person == make_resident_id(region, born, seq)


@given(regions, births, sequences)
def test_the_15_and_18_digit_forms_parse_to_one_id(region: str, born: date, seq: int) -> None:
    old = old_id(region, born, seq)
    assert parse_resident_id(old) == parse_resident_id(f"  {upgrade_15_to_18(old).lower()} ")


def test_the_check_character_of_a_known_id() -> None:
    # GB 11643-1999's own example: 11010519491231002X
    assert upgrade_15_to_18("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "text", ["", "33072758040215", "3307275804021511", "33072758040215X", "３３０７２７５８０４０２１５１"]
)
def test_only_15_ascii_digits_upgrade(text: str) -> None:
    with pytest.raises(InvalidResidentIdError) as raised:
        upgrade_15_to_18(text)
    assert text.strip() == "" or text not in str(raised.value)


@given(regions, births, sequences)
def test_a_masked_id_hides_the_birth_date(region: str, born: date, seq: int) -> None:
    new = make_resident_id(region, born, seq).reveal()
    assert masked(new) == ResidentId(new).masked == new[:6] + "********" + new[14:]
    old = old_id(region, born, seq)
    assert masked(old) == old[:6] + "******" + old[12:]
    for shown in (masked(new), masked(old)):
        assert f"{born:%y%m%d}" not in shown[6:-3]


@given(st.text(max_size=30))
def test_anything_else_shows_no_digit(text: str) -> None:
    value = text.strip().upper()
    shaped = (len(value) == 15 and value.isascii() and value.isdigit()) or (
        len(value) == 18 and value.isascii() and value[:17].isdigit() and value[17] in "0123456789X"
    )
    if not shaped:
        assert masked(text) == UNREADABLE
