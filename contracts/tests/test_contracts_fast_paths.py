"""The fast paths of validation decide exactly as the rules written out plainly (hypothesis).

A resident ID, a division code and a period are validated through remembered results and a fast
path for the common case; ``parse_integration_event`` reads a message in the relay's form with one
JSON parse. Each is checked here against a reference written the straightforward way: the same
values accepted, the same normalised value, the same refusals (the rule named, the field named).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import from_json

from minzheng_contracts import (
    ContractError,
    ContractModel,
    DivisionCode,
    IntegrationEvent,
    InvalidDivisionCodeError,
    InvalidResidentIdError,
    Period,
    ResidentId,
    archive,
    burial,
    contract_for,
    eldercare,
    make_resident_id,
    parse_integration_event,
    places,
    registry,
    resident_id,
    veterans,
)
from minzheng_contracts.payments import PaymentIssuedV2, PaymentIssuedV2Data, PaymentProgrammeV2

# -- resident IDs -------------------------------------------------------------------------------

PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)  # GB/T 2260
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # ISO 7064 MOD 11-2, written out
CHINA = timezone(timedelta(hours=8))


def reference_resident_id(value: str) -> str:
    """GB 11643-1999 the plain way: the normalised ID, or the reason (as the refusal words it)."""
    text = value.strip().upper()
    if len(text) != 18:
        return "refused: 18 characters"
    if re.fullmatch(r"[0-9]{17}[0-9X]", text, flags=re.ASCII) is None or not text.isascii():
        return "refused: 17 digits followed by a digit or 'X'"
    if text[:2] not in PROVINCES:
        return "refused: names no province"
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return "refused: not a valid date"
    if born.year < 1900:
        return "refused: 1900 or later"
    if born > datetime.now(CHINA).date():
        return "refused: in the future"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(text[:17], WEIGHTS, strict=True)) % 11]
    if text[17] != check:
        return "refused: checksum does not match"
    return text


class Person(ContractModel):
    resident_id: ResidentId


def _valid(region: str, born: date, seq: int) -> str:
    return make_resident_id(region, born, seq).reveal()


provinces = st.sampled_from(
    sorted(PROVINCES | {"00", "10", "19", "20", "24", "39", "55", "70", "80", "83", "99"})
)
regions = st.builds(str.__add__, provinces, st.from_regex(r"[0-9]{4}", fullmatch=True))
# birth dates around every boundary: before 1900, leap days, today and the days after it
births = st.dates(min_value=date(1890, 1, 1), max_value=date.today() + timedelta(days=800))
birth_digits = st.one_of(
    births.map(lambda d: f"{d:%Y%m%d}"),
    st.from_regex(r"(18|19|20|21)[0-9]{2}(0[0-9]|1[0-3])([0-3][0-9])", fullmatch=True),  # Feb 30, month 13
)


@st.composite
def id_texts(draw: st.DrawFn) -> str:
    """Texts near a resident ID: valid ones, and each kind of mistake."""
    body = draw(regions) + draw(birth_digits) + draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    value = body + draw(st.one_of(st.just(check), st.sampled_from("0123456789Xx")))
    mistake = draw(st.sampled_from(["none", "none", "lower", "blanks", "char", "cut", "longer", "wide"]))
    if mistake == "lower":
        value = value.lower()
    elif mistake == "blanks":
        value = (
            draw(st.sampled_from(["", " ", "\t", "\u3000"])) + value + draw(st.sampled_from(["", " ", "\n"]))
        )
    elif mistake == "char":
        at = draw(st.integers(0, 17))
        value = value[:at] + draw(st.sampled_from(list("0123456789Xx-a _\u0661\uff11"))) + value[at + 1 :]
    elif mistake == "cut":
        value = value[: draw(st.integers(0, 17))]
    elif mistake == "longer":
        value += draw(st.sampled_from(["0", "X", "00"]))
    elif mistake == "wide":  # full-width digits: not ASCII
        value = value.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    return value


def _expect_same(value: str) -> None:
    expected = reference_resident_id(value)
    for _ in range(2):  # twice: a remembered answer is the same answer, and a refusal is not remembered
        if expected.startswith("refused: "):
            reason = expected.removeprefix("refused: ")
            with pytest.raises(InvalidResidentIdError, match=re.escape(reason)):
                ResidentId(value)
            with pytest.raises(ValidationError) as caught:
                Person.model_validate({"resident_id": value})
            (error,) = caught.value.errors()
            assert error["loc"] == ("resident_id",), "the refusal names the field"
            assert reason in error["msg"]
            assert len(value.strip()) < 6 or value.strip() not in str(caught.value), "input hidden"
            with pytest.raises(ValidationError, match=re.escape(reason)):
                Person.model_validate_json(json.dumps({"resident_id": value}))
        else:
            assert ResidentId(value).reveal() == expected
            assert Person.model_validate({"resident_id": value}).resident_id.reveal() == expected
            assert (
                Person.model_validate_json(json.dumps({"resident_id": value})).resident_id.reveal()
                == expected
            )


@settings(max_examples=400, deadline=None)
@given(id_texts())
@example("11010519491231002X")
@example("11010519491231002x")
@example(" 11010519491231002X ")
@example("110105194902290021")  # 1949 is not a leap year
@example("000000199001011234")
def test_resident_id_decides_as_the_reference(value: str) -> None:
    _expect_same(value)


@settings(deadline=None)
@given(regions, births, st.integers(0, 999))
def test_generated_ids_decide_as_the_reference(region: str, born: date, seq: int) -> None:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    for last in "0123456789X":
        _expect_same(body + last)


def test_tomorrow_is_refused_and_a_refusal_is_not_remembered() -> None:
    today = datetime.now(CHINA).date()
    body = f"330727{today + timedelta(days=1):%Y%m%d}015"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    for _ in range(3):
        with pytest.raises(InvalidResidentIdError, match="in the future"):
            ResidentId(body + check)
    assert ResidentId(_valid("330727", today, 15)).birth_date == today


def test_remembered_ids_keep_value_semantics() -> None:
    text = _valid("330727", date(1961, 9, 30), 26)
    a, b = ResidentId(text), Person.model_validate({"resident_id": text}).resident_id
    assert a == b and hash(a) == hash(b) and a.reveal() == text and str(a) == a.masked != text
    assert Person.model_validate({"resident_id": a}).resident_id is a, "an ID is immutable: kept as it is"
    with pytest.raises(ValidationError, match="must be a string"):
        Person.model_validate({"resident_id": 330727196109300261})


def test_remembered_ids_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resident_id, "_SEEN_MAX", 3)
    texts = [_valid("330727", date(1970, 1, 1) + timedelta(days=n), 15) for n in range(8)]
    for text in texts * 2:
        assert Person.model_validate({"resident_id": text}).resident_id.reveal() == text
        assert len(resident_id._seen) <= 3


@settings(deadline=None)
@given(id_texts())
def test_sex_is_the_parity_of_digit_17(value: str) -> None:
    if reference_resident_id(value).startswith("refused"):
        return
    assert ResidentId(value).sex == ("male" if int(value.strip()[16]) % 2 else "female")


# -- division codes and periods -----------------------------------------------------------------


def reference_division(value: str) -> str:
    code = value.strip()
    if not code.isascii() or not code.isdigit():
        return "refused: digits only"
    if len(code) not in (6, 9, 12):
        return "refused: 6 (county), 9 (township) or 12 (village) digits"
    if code[:2] == "00":
        return "refused: start with a province code"
    return code


class Place(ContractModel):
    office: DivisionCode


division_texts = st.one_of(
    st.from_regex(r"[0-9]{6}|[0-9]{9}|[0-9]{12}", fullmatch=True),
    st.from_regex(r"00[0-9]{4}|[0-9]{5}|[0-9]{7}|[0-9]{13}", fullmatch=True),
    st.text(alphabet="0123456789 a\u0661", max_size=14),
)


@settings(max_examples=300, deadline=None)
@given(division_texts)
def test_division_code_decides_as_the_reference(value: str) -> None:
    expected = reference_division(value)
    for _ in range(2):
        if expected.startswith("refused: "):
            reason = expected.removeprefix("refused: ")
            with pytest.raises(InvalidDivisionCodeError, match=re.escape(reason)):
                DivisionCode(value)
            with pytest.raises(ValidationError) as caught:
                Place.model_validate({"office": value})
            assert caught.value.errors()[0]["loc"] == ("office",)
            assert reason in caught.value.errors()[0]["msg"]
        else:
            code = DivisionCode(value)
            assert type(code) is DivisionCode and code == expected
            assert Place.model_validate({"office": value}).office == expected
            assert type(Place.model_validate_json(json.dumps({"office": value})).office) is DivisionCode


class Month(ContractModel):
    period: Period


@settings(deadline=None)
@given(st.one_of(st.from_regex(r"\s?[0-9]{4}-[0-9]{2}\s?", fullmatch=True), st.text(max_size=9)))
def test_period_decides_as_the_reference(value: str) -> None:
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", value.strip())
    ok = match is not None and int(match.group(1)) >= 1900
    for _ in range(2):
        if ok:
            assert match is not None
            period = Month.model_validate({"period": value}).period
            assert (period.year, period.month) == (int(match.group(1)), int(match.group(2)))
        else:
            with pytest.raises(ValidationError) as caught:
                Month.model_validate({"period": value})
            assert caught.value.errors()[0]["loc"] == ("period",)


# -- parse_integration_event --------------------------------------------------------------------

COMMON: dict[str, Any] = {
    "jurisdiction": "330727",
    "correlation_id": UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0003"),
    "occurred_at": datetime(2024, 7, 1, 9, 30, tzinfo=CHINA),
}
EVENTS: list[IntegrationEvent[Any]] = [
    *archive.examples(**COMMON),
    *burial.examples(**COMMON),
    *eldercare.examples(**COMMON),
    *places.examples(**COMMON),
    *registry.examples(**COMMON),
    *veterans.examples(**COMMON),
    PaymentIssuedV2.new(
        data=PaymentIssuedV2Data(
            payment_id=UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0009"),
            programme=PaymentProgrammeV2.PENSION_DISABLED,
            beneficiary=make_resident_id("330727", date(1952, 3, 4), 19),
            period=Period(2024, 7),
            amount_fen=123_456,
            standard_id="veterans-disabled-2024-grade-5",
        ),
        producer="veterans",
        **COMMON,
    ),
]


def reference_parse(raw: bytes) -> IntegrationEvent[Any]:
    """``parse_integration_event`` the plain way: the whole message parsed for its header, then
    validated against the contract it names."""
    try:
        header = from_json(raw)
    except ValueError as exc:
        raise ContractError(f"integration event is not valid JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ContractError("integration event must be a JSON object")
    event_type, version = header.get("event_type"), header.get("schema_version")
    if not isinstance(event_type, str) or isinstance(version, bool) or not isinstance(version, int):
        from minzheng_contracts import UnknownContractError

        raise UnknownContractError(event_type, version)
    return contract_for(event_type, version).model_validate_json(raw)


def _outcome(parse: Any, raw: bytes | bytearray | str) -> tuple[str, Any]:
    try:
        event = parse(raw)
    except ValidationError as exc:
        return "invalid", [(e["type"], e["loc"]) for e in exc.errors()]
    except (ContractError, ValueError) as exc:
        return type(exc).__name__, str(exc)
    return type(event).__name__, event.model_dump(mode="json")


def _tampered(payload: bytes, how: int, text: str) -> bytes:
    """A published payload changed in one of the ways that could fool a reader of its head."""
    body = payload[:-1]
    tail = text.encode()
    return [
        payload,
        body + b',"event_type":"' + tail + b'"}',  # a second event_type, last
        body + b',"schema_version":2}',  # a second version
        body + b',"event\\u005ftype":"PaymentIssued"}',  # the same key, spelled with an escape
        payload[:-1],  # cut: not JSON
        payload + b" x",  # trailing garbage
        payload.replace(b'"schema_version":1,', b'"schema_version":99,', 1),
        payload.replace(b'"schema_version":2,', b'"schema_version":1,', 1),
        payload.replace(b'"producer":"', b'"producer":"x' + tail.replace(b'"', b"") + b"", 1),
        payload.replace(b'"event_type":"', b'"event_type":"' + tail.replace(b'"', b"")[:3], 1),
        payload.replace(b"330727", tail.replace(b'"', b"")[:6].ljust(6, b"0"), 1),
        b" " + payload,  # not the relay's form: the plain way
        payload.replace(b",", b", ", 1),
    ][how % 13]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EVENTS), st.integers(0, 12), st.text(alphabet='abcXYZ019"\\ ', max_size=8))
def test_parse_decides_as_the_reference(event: IntegrationEvent[Any], how: int, text: str) -> None:
    payload = type(event).__pydantic_serializer__.to_json(event)
    raw = _tampered(payload, how, text)
    assert _outcome(parse_integration_event, raw) == _outcome(reference_parse, raw)
    assert _outcome(parse_integration_event, bytearray(raw)) == _outcome(reference_parse, raw)
    assert _outcome(parse_integration_event, raw.decode(errors="replace")) == _outcome(
        reference_parse, raw.decode(errors="replace").encode()
    )


def test_every_sample_parses_back_the_same() -> None:
    for event in EVENTS:
        payload = type(event).__pydantic_serializer__.to_json(event)
        assert parse_integration_event(payload) == event
        assert parse_integration_event(payload.decode()) == event
