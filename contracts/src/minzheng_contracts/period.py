"""A monthly period (月份) such as a payment month: ``"2024-07"``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache, total_ordering
from typing import Any, Final, NoReturn

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["InvalidPeriodError", "Period"]

_PATTERN: Final = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


class InvalidPeriodError(ValueError):
    """The text is not a ``YYYY-MM`` month."""


@total_ordering
class Period:
    """A calendar month. Immutable, ordered, hashable; parses from and serialises to ``"YYYY-MM"``."""

    __slots__ = ("_month", "_text", "_year")
    _year: int
    _month: int
    _text: str

    def __init__(self, year: int, month: int) -> None:
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
            raise InvalidPeriodError("period year must be an integer between 1900 and 9999")
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise InvalidPeriodError("period month must be an integer between 1 and 12")
        object.__setattr__(self, "_year", year)
        object.__setattr__(self, "_month", month)
        object.__setattr__(self, "_text", f"{year:04d}-{month:02d}")

    @property
    def year(self) -> int:
        return self._year

    @property
    def month(self) -> int:
        return self._month

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Period is immutable")

    def __reduce__(self) -> tuple[type[Period], tuple[int, int]]:
        return (Period, (self._year, self._month))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Period):
            return (self._year, self._month) == (other._year, other._month)
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Period):
            return (self._year, self._month) < (other._year, other._month)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Period", self._year, self._month))

    def __repr__(self) -> str:
        return f"Period('{self}')"

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``"YYYY-MM"``."""
        if type(text) is str and cls is Period:
            return _parse_cached(text)  # a period is immutable: the same text, the same period
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> Period:
        match = _PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidPeriodError("period must be a month written as YYYY-MM")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        """The month containing ``day``."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return self._text

    @classmethod
    def _coerce(cls, value: Any) -> Period:
        if isinstance(value, Period):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        raise InvalidPeriodError("period must be a YYYY-MM string")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate if cls is Period else cls._coerce,
            serialization=core_schema.plain_serializer_function_ser_schema(
                str, when_used="json", return_schema=core_schema.str_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
            "description": "A calendar month (月份), YYYY-MM.",
            "examples": ["2024-07"],
        }


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Period:
    # contracts and events carry the same few months over and over (every payment of a run)
    return Period._parse(text)


def _validate(value: Any) -> Period:
    """pydantic's validator of a :class:`Period` field: a text (remembered) or a period."""
    if type(value) is str:
        return _parse_cached(value)
    return Period._coerce(value)
