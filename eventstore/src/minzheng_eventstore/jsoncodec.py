"""JSON on the hot paths (writing and reading events, decoding messages): orjson, exactly.

orjson is several times faster than the standard library but turns an integer beyond 64 bits into
a float, silently. Such a number needs 19 digits or more, so text with a run of 19 digits (which
also matches long digit strings inside quotes: harmless) is decoded by the standard library: the
result is always exactly what ``json.loads`` gives.

The check maps every ASCII digit to ``0`` (``bytes.translate``) and looks for nineteen zeros: about
1 µs for an event's data, where a ``\\d{19}`` regular expression took 10 µs, ten times orjson's own
decoding (measured on a 360-byte payment).

Encoding is the mirror: ``dumps`` writes the JSON value ``json.dumps(value, ensure_ascii=False,
separators=(",", ":"), allow_nan=False)`` writes (a float may be spelled ``1e16`` for ``1e+16``),
and raises where it raises. orjson writes it when
the value holds only what JSON holds (str, int within 64 bits, finite float, bool, None, lists
and dicts with str keys): orjson would otherwise write ``NaN`` as ``null`` and a datetime or a
UUID as a string, silently. Anything else goes to the standard library. 0.7 + 1 µs instead of
8 µs for a payment's data.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_NINETEEN_DIGITS = b"0" * 19


def has_long_digit_run(raw: bytes) -> bool:
    """Whether ``raw`` holds 19 or more ASCII digits in a row."""
    return _NINETEEN_DIGITS in raw.translate(_DIGITS_TO_ZERO)


def loads(text: str | bytes) -> Any:
    raw = text.encode() if isinstance(text, str) else text
    if has_long_digit_run(raw):
        return json.loads(raw)
    return orjson.loads(raw)


_INT64 = (-(2**63), 2**64 - 1)


def _plain(value: Any) -> bool:
    """Whether ``value`` holds JSON's own types only, and writes the same with orjson."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(_INT64[0] <= value <= _INT64[1])
    if kind is float:
        return math.isfinite(value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list or kind is tuple:
        return all(_plain(v) for v in value)
    return False


def dumps(value: Any) -> str:
    """Compact JSON text, exactly as the standard library writes it (see the module's docstring)."""
    if _plain(value):
        return orjson.dumps(value).decode()
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
