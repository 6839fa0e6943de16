"""DivisionCode, Fen, Period and the yuan/fen conversions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from minzheng_contracts import (
    ContractModel,
    DivisionCode,
    Fen,
    InvalidDivisionCodeError,
    InvalidPeriodError,
    Period,
    PositiveFen,
    SignedFen,
    fen_to_yuan,
    yuan_to_fen,
)


class Amounts(ContractModel):
    amount: Fen = 0
    positive: PositiveFen = 1
    signed: SignedFen = 0


class Place(ContractModel):
    code: DivisionCode
    month: Period | None = None


# -- DivisionCode (行政区划代码) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "county", "township"),
    [
        ("330727", "county", "330727", None),
        ("330727101", "township", "330727", "330727101"),
        ("330727101201", "village", "330727", "330727101"),
    ],
)
def test_division_levels(code: str, level: str, county: str, township: str | None) -> None:
    division = DivisionCode(code)
    assert (division.level, division.county, division.township) == (level, county, township)
    assert division == code and isinstance(division.county, DivisionCode)


@pytest.mark.parametrize("code", ["33072", "3307271", "33072710120", "3307271012011", "33072a", "000001", ""])
def test_invalid_division_codes(code: str) -> None:
    with pytest.raises(InvalidDivisionCodeError):
        DivisionCode(code)
    with pytest.raises(ValidationError):
        Place(code=code)


def test_is_within() -> None:
    village = DivisionCode("330727101201")
    assert village.is_within("330727101") and village.is_within("330727") and village.is_within(village)
    assert village.is_within("330700") and village.is_within("330000"), "prefecture and province codes"
    assert not village.is_within("330727102") and not village.is_within("330726")
    assert not DivisionCode("330727").is_within("330727101")
    assert not DivisionCode("330827101").is_within("330700")


def test_division_json_is_a_plain_string() -> None:
    place = Place(code="330727101")
    assert place.model_dump_json() == '{"code":"330727101","month":null}'
    assert Place.model_json_schema()["properties"]["code"]["pattern"] == "^([0-9]{6}|[0-9]{9}|[0-9]{12})$"


# -- Fen (分) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [12.0, 12.5, "12", True, Decimal("12")])
def test_fen_is_a_strict_integer(value: object) -> None:
    with pytest.raises(ValidationError):
        Amounts.model_validate({"amount": value})


def test_fen_bounds_and_json() -> None:
    assert Amounts(amount=0, positive=1, signed=-500).signed == -500
    with pytest.raises(ValidationError):
        Amounts(amount=-1)
    with pytest.raises(ValidationError):
        Amounts(positive=0)
    with pytest.raises(ValidationError):
        Amounts.model_validate_json('{"amount": 100.0}')
    assert Amounts.model_validate_json('{"amount": 100}').amount == 100


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [("12.34", 1234), ("0.01", 1), (Decimal("770"), 77_000), (5, 500), ("-3.5", -350), ("1.500", 150)],
)
def test_yuan_to_fen(yuan: Decimal | str | int, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen


@pytest.mark.parametrize("yuan", ["0.001", "12.345", Decimal("1E-3"), "abc", "NaN", "Infinity"])
def test_yuan_to_fen_rejects_sub_fen_and_garbage(yuan: Decimal | str) -> None:
    with pytest.raises(ValueError):
        yuan_to_fen(yuan)


@pytest.mark.parametrize("yuan", [0.1, 12.0, True])
def test_yuan_to_fen_refuses_floats(yuan: object) -> None:
    with pytest.raises(TypeError):
        yuan_to_fen(yuan)  # type: ignore[arg-type]


def test_fen_to_yuan() -> None:
    assert fen_to_yuan(1234) == Decimal("12.34") and str(fen_to_yuan(100)) == "1.00"
    with pytest.raises(TypeError):
        fen_to_yuan(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_fen_yuan_round_trip(fen: int) -> None:
    assert yuan_to_fen(fen_to_yuan(fen)) == fen
    assert yuan_to_fen(str(fen_to_yuan(fen))) == fen


@given(st.decimals(places=2, allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12))
def test_yuan_fen_round_trip(yuan: Decimal) -> None:
    assert fen_to_yuan(yuan_to_fen(yuan)) == yuan


# -- Period (月份) ---------------------------------------------------------------------------------


def test_period_basics() -> None:
    period = Period.parse("2024-12")
    assert (period.year, period.month, str(period)) == (2024, 12, "2024-12")
    assert period.first_day == date(2024, 12, 1) and period.last_day == date(2024, 12, 31)
    assert period.next() == Period(2025, 1) and Period(2025, 1).previous() == period
    assert Period(2024, 2).last_day == date(2024, 2, 29)
    assert Period.of(date(2024, 7, 15)) == Period(2024, 7)
    assert sorted([Period(2024, 3), Period(2023, 12), Period(2024, 1)]) == [
        Period(2023, 12),
        Period(2024, 1),
        Period(2024, 3),
    ]
    assert Period(2024, 1) < Period(2024, 2) <= Period(2024, 2)
    assert len({Period(2024, 1), Period.parse("2024-01")}) == 1


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "2024-1", "24-01", "2024/01", "1899-12", ""])
def test_invalid_periods(text: str) -> None:
    with pytest.raises(InvalidPeriodError):
        Period.parse(text)
    with pytest.raises(ValidationError):
        Place(code="330727", month=text)


def test_period_in_models() -> None:
    place = Place(code="330727", month="2024-07")
    assert place.month == Period(2024, 7)
    assert place.model_dump(mode="json")["month"] == "2024-07"
    assert place.model_dump()["month"] == Period(2024, 7)
    assert Place.model_validate_json(place.model_dump_json()) == place
    with pytest.raises(ValidationError):
        Place.model_validate({"code": "330727", "month": {"year": 2024, "month": 7}})


@given(st.integers(min_value=1900, max_value=9998), st.integers(min_value=1, max_value=12))
def test_period_next_previous(year: int, month: int) -> None:
    period = Period(year, month)
    assert period.next().previous() == period and period < period.next()
    assert Period.parse(str(period)) == period
    assert period.next().first_day - period.last_day == date(2000, 1, 2) - date(2000, 1, 1)
