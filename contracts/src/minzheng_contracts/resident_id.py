"""PRC resident identity number (公民身份号码, GB 11643-1999).

The value is personal data. A :class:`ResidentId` never shows in clear when printed: ``str()``,
``repr()``, f-strings and ``format()`` give the masked form ``330727********123X`` (the address code
and the last four characters are kept, the birth date is hidden). Only JSON serialisation of a
contract (events must carry it) and :meth:`ResidentId.reveal` give the full value.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Final, NoReturn

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = [
    "InvalidResidentIdError",
    "ResidentId",
    "make_resident_id",
    "mask_resident_ids",
    "resident_id_checksum",
]

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11643-1999's weights: 2**(18 - i) mod 11 for the i-th digit (``resident_id_checksum``)."""
_CHECK_CHARS: Final = "10X98765432"
_LAST_CHARS: Final = frozenset("0123456789X")
_MIN_BIRTH_YEAR: Final = 1900
_MASK: Final = "*" * 8
#: Province-level codes of GB/T 2260 (the first two digits of every address code).
_PROVINCES: Final = frozenset(
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
)
_CHINA: Final = timezone(timedelta(hours=8))

#: An 18-character ID embedded in text: 6-digit address code, YYYYMMDD birth date, 3-digit sequence
#: and a check character. Not preceded or followed by another digit.
_IN_TEXT: Final = re.compile(
    r"(?<![0-9])([0-9]{6})((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))([0-9]{3}[0-9Xx])(?![0-9])"
)


class InvalidResidentIdError(ValueError):
    """The text is not a valid GB 11643-1999 resident ID. The message never contains the value."""


def resident_id_checksum(first17: str) -> str:
    """Return the GB 11643-1999 check character (``0``-``9`` or ``X``) for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidResidentIdError("resident ID body must be exactly 17 ASCII digits")
    # The weights are 2**(18 - i) mod 11 and 13 = 2 (mod 11), so the weighted sum is 2 * the digits
    # read in base 13, mod 11: one C-level ``int`` (a bulk import checks 100,000s of IDs; the test
    # suite pins it to the weighted sum).
    return _CHECK_CHARS[2 * int(first17, 13) % 11]


@lru_cache(maxsize=1 << 15)
def _date_of(digits: str) -> date:
    """The date of ``YYYYMMDD`` (remembered: an import parses the same few 10,000 birth dates
    again and again; an invalid one raises and is not remembered)."""
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _birth_date(value: str) -> date:
    try:
        born = _date_of(value[6:14])
    except ValueError:
        raise InvalidResidentIdError("resident ID birth date (digits 7-14) is not a valid date") from None
    if born.year < _MIN_BIRTH_YEAR:
        raise InvalidResidentIdError(f"resident ID birth year must be {_MIN_BIRTH_YEAR} or later")
    return born


_today_at: list[Any] = [None, date.min]


def _today() -> date:
    """Today in China (asked of the clock once a second at most)."""
    second = int(time.time())
    if _today_at[0] != second:
        _today_at[0], _today_at[1] = second, datetime.now(_CHINA).date()
    day: date = _today_at[1]
    return day


def _check_issued(value: str) -> None:
    """An ID names a real province (not ``000000``) and a birth date that is not in the future."""
    if value[:2] not in _PROVINCES:
        raise InvalidResidentIdError("resident ID address code (digits 1-6) names no province of GB/T 2260")
    if _birth_date(value) > _today():
        raise InvalidResidentIdError("resident ID birth date (digits 7-14) is in the future")


def _normalise(value: str) -> str:
    """The rules one by one, each refusal naming its digits (the slow path: also what the fast
    path, :func:`_checked`, leaves to it: lowercase ``x``, blanks around, and every refusal)."""
    candidate = value.strip().upper()
    if len(candidate) != 18:
        raise InvalidResidentIdError("resident ID must be 18 characters long")
    body = candidate[:17]
    if not candidate.isascii() or not body.isdigit() or candidate[17] not in _LAST_CHARS:
        raise InvalidResidentIdError("resident ID must be 17 digits followed by a digit or 'X'")
    _check_issued(candidate)
    if _CHECK_CHARS[2 * int(body, 13) % 11] != candidate[17]:
        raise InvalidResidentIdError("resident ID checksum does not match")
    return candidate


#: The shape of a normalised ID that names a province: 2 digits of ``_PROVINCES``, 15 ASCII digits
#: and a check character (``[0-9]`` is ASCII only). What it lets through still has its birth date
#: and checksum checked; what it does not goes the slow way, which names the rule it breaks.
_SHAPE: Final = re.compile(
    "(?:"
    + "|".join(
        first + "[" + "".join(sorted(p[1] for p in _PROVINCES if p[0] == first)) + "]"
        for first in sorted({p[0] for p in _PROVINCES})
    )
    + ")[0-9]{15}[0-9X]"
).fullmatch


@lru_cache(maxsize=1 << 16)
def _born_by_today(digits: str) -> bool:
    """True for a ``YYYYMMDD`` that is a date, in 1900 or later and not after today; raises
    ``ValueError`` otherwise. Only a yes is remembered: today only moves forward, so a date once
    not in the future stays so, while a refusal (tomorrow's date) may not be one tomorrow."""
    born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if born.year < _MIN_BIRTH_YEAR or born > _today():
        raise ValueError(digits)
    return True


def _checked(value: str) -> str:
    """``value`` normalised, or :class:`InvalidResidentIdError` naming the rule it breaks.

    The fast path (an ID as contracts and registers carry it: 18 characters, uppercase ``X``)
    checks the same rules as :func:`_normalise` in fewer steps: the province and the shape in one
    regular expression, the birth date from a table of the dates already found valid, and the
    checksum. Anything else, and every refusal, goes through :func:`_normalise`."""
    if _SHAPE(value) is not None:
        try:
            _born_by_today(value[6:14])
        except ValueError:
            pass
        else:
            if _CHECK_CHARS[2 * int(value[:17], 13) % 11] == value[17]:
                return value
    return _normalise(value)


def _mask(value: str) -> str:
    return value[:6] + _MASK + value[14:]


class ResidentId:
    """A validated 18-character PRC resident ID (公民身份号码), masked whenever printed.

    Equality and hashing are by value. Not a ``str`` subclass on purpose, so that concatenation,
    ``json.dumps`` or a logging call cannot leak it by accident.
    """

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str | ResidentId) -> None:
        if type(value) is str:  # the common case first: one type test
            normalised = _of_text(value)._value
        elif isinstance(value, ResidentId):
            normalised = value._value
        elif isinstance(value, str):
            normalised = _normalise(value)
        else:
            raise InvalidResidentIdError(f"resident ID must be a string, not {type(value).__name__}")
        object.__setattr__(self, "_value", normalised)

    def reveal(self) -> str:
        """The full value. Call it only where the clear value is needed (events, registries)."""
        return self._value

    @property
    def masked(self) -> str:
        """``330727********123X``: address code and last four characters only."""
        return _mask(self._value)

    @property
    def region_code(self) -> str:
        """The 6-digit address code (地址码) of the place where the ID was first issued."""
        return self._value[:6]

    @property
    def birth_date(self) -> date:
        """Date of birth (出生日期码)."""
        return _birth_date(self._value)

    @property
    def sex(self) -> str:
        """``"male"`` or ``"female"``: the parity of the sequence code (顺序码)."""
        return "male" if self._value[16] in "13579" else "female"

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"ResidentId('{self.masked}')"

    def __format__(self, format_spec: str) -> str:
        return format(self.masked, format_spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ResidentId):
            return self._value == other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("ResidentId", self._value))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("ResidentId is immutable")

    def __reduce__(self) -> tuple[type[ResidentId], tuple[str]]:
        return (ResidentId, (self._value,))

    def __copy__(self) -> ResidentId:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ResidentId:
        return self

    # -- pydantic integration -------------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls.reveal, when_used="json", return_schema=core_schema.str_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": "^[0-9]{17}[0-9X]$",
            "minLength": 18,
            "maxLength": 18,
            "description": "PRC resident ID (公民身份号码, GB 11643-1999): 17 digits and a check "
            "character (ISO 7064 MOD 11-2, 'X' for 10). Personal data: mask it in logs.",
            "examples": ["11010519491231002X"],
        }


_new: Final = object.__new__
_set: Final = object.__setattr__


_SEEN_MAX: Final = 1 << 16
_seen: dict[str, ResidentId] = {}
"""The IDs of texts already validated in this process, 65,536 at most (about 16 MB; emptied when
full): the same person's ID is validated again and again in one process (a row's parse, then the
contract checked before the commit; every month's payments of a run). A refusal is not kept. A
plain dict, not ``lru_cache``: a miss (the relay's, a consumer's first sight of an ID) costs a
lookup and an insert, not a cache's bookkeeping."""


def _of_text(value: str) -> ResidentId:
    """The ID of a text (remembered, see ``_seen``); :class:`InvalidResidentIdError` if invalid."""
    rid = _seen.get(value)
    if rid is None:
        rid = _new(ResidentId)
        _set(rid, "_value", _checked(value))
        if len(_seen) >= _SEEN_MAX:
            _seen.clear()
        _seen[value] = rid
    return rid


def _validate(value: Any) -> ResidentId:
    """pydantic's validator of a :class:`ResidentId` field (a text, or an ID already validated)."""
    if type(value) is str:
        rid = _seen.get(value)  # _of_text, inline: the hot path of every contract with an ID
        if rid is None:
            rid = _of_text(value)
        return rid
    if type(value) is ResidentId:
        return value  # immutable: the same ID
    return ResidentId(value)


def make_resident_id(region6: str, birth_date: date, seq3: int | str) -> ResidentId:
    """Build a valid ID for test data: address code, birth date, 3-digit sequence (odd = male)."""
    sequence = f"{seq3:03d}" if isinstance(seq3, int) else seq3
    if len(sequence) != 3:
        raise InvalidResidentIdError("sequence code must have 3 digits")
    body = f"{region6}{birth_date:%Y%m%d}{sequence}"
    return ResidentId(body + resident_id_checksum(body))


def mask_resident_ids(text: str) -> str:
    """Mask every 18-character ID-shaped number (with a plausible birth date) inside ``text``.

    The checksum is not required: a mistyped ID is still personal data.
    """
    return _IN_TEXT.sub(lambda match: match.group(1) + _MASK + match.group(3), text)
