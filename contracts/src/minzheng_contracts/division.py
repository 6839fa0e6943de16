"""Administrative division codes (行政区划代码, GB/T 2260 and its township/village extension).

- 6 digits: province/prefecture/county level (县级, e.g. ``330727``);
- 9 digits: township level (乡镇街道, e.g. ``330727101``);
- 12 digits: village level (村社区, e.g. ``330727101201``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["DivisionCode", "DivisionLevel", "InvalidDivisionCodeError"]

DivisionLevel = Literal["county", "township", "village"]

_LEVELS: Final[dict[int, DivisionLevel]] = {6: "county", 9: "township", 12: "village"}
#: Segment boundaries: province 2, prefecture 2, county 2, township 3, village 3.
_SEGMENT_ENDS: Final = (2, 4, 6, 9, 12)


class InvalidDivisionCodeError(ValueError):
    """The text is not a 6-, 9- or 12-digit division code."""


class DivisionCode(str):
    """A GB/T 2260 division code. A ``str`` subclass: it compares, hashes and serialises as the code."""

    __slots__ = ()

    def __new__(cls, value: str) -> DivisionCode:
        if type(value) is str and cls is DivisionCode:
            return _of_text(value)  # the common case: a text, remembered
        return cls._checked(value)

    @classmethod
    def _checked(cls, value: str) -> DivisionCode:
        if isinstance(value, DivisionCode):
            return value
        if not isinstance(value, str):
            raise InvalidDivisionCodeError(f"division code must be a string, not {type(value).__name__}")
        code = value.strip()
        if not code.isascii() or not code.isdigit():
            raise InvalidDivisionCodeError("division code must contain digits only")
        if len(code) not in _LEVELS:
            raise InvalidDivisionCodeError(
                "division code must have 6 (county), 9 (township) or 12 (village) digits"
            )
        if code[:2] == "00":
            raise InvalidDivisionCodeError("division code must start with a province code")
        return super().__new__(cls, code)

    @property
    def level(self) -> DivisionLevel:
        """``"county"`` (6 digits), ``"township"`` (9) or ``"village"`` (12)."""
        return _LEVELS[len(self)]

    @property
    def county(self) -> DivisionCode:
        """The county-level code (first 6 digits)."""
        return DivisionCode(self[:6])

    @property
    def township(self) -> DivisionCode | None:
        """The township-level code (first 9 digits), or ``None`` for a county-level code."""
        return DivisionCode(self[:9]) if len(self) >= 9 else None

    @property
    def significant_prefix(self) -> str:
        """The code without trailing all-zero segments: ``330000`` → ``33``, ``330700`` → ``3307``."""
        start = 0
        kept = 0
        for end in _SEGMENT_ENDS[: _SEGMENT_ENDS.index(len(self)) + 1]:
            if set(self[start:end]) != {"0"}:
                kept = end
            start = end
        return str(self[: max(kept, 2)])

    def is_within(self, other: DivisionCode | str) -> bool:
        """True if this division lies inside ``other`` (or is it): prefix containment.

        Trailing zero segments of ``other`` are ignored, so ``330727101`` is within ``330700``
        (a prefecture) and ``330000`` (a province) as well as within ``330727``.
        """
        return self.startswith(DivisionCode(other).significant_prefix)

    def __repr__(self) -> str:
        return f"DivisionCode('{self}')"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # serialised by the inner str schema (a code is a ``str``): as the code in JSON, as itself
        # in Python, without a call back into Python per field
        return core_schema.no_info_after_validator_function(
            _validate if cls is DivisionCode else cls, core_schema.str_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": "^([0-9]{6}|[0-9]{9}|[0-9]{12})$",
            "description": "Administrative division code (行政区划代码, GB/T 2260): 6 digits county "
            "level, 9 digits township (乡镇街道), 12 digits village (村社区).",
            "examples": ["330727", "330727101", "330727101201"],
        }


@lru_cache(maxsize=1 << 14)
def _of_text(value: str) -> DivisionCode:
    """The code of a text, remembered (16,384 at most: a county has a few hundred villages, and
    every event names its jurisdiction). A refusal raises and is not remembered; a code is an
    immutable ``str``, so one instance serves every event that names it."""
    return DivisionCode._checked(value)


def _validate(value: str) -> DivisionCode:
    """pydantic's validator of a :class:`DivisionCode` field, after its ``str`` check."""
    if type(value) is str:
        return _of_text(value)
    return DivisionCode(value)
