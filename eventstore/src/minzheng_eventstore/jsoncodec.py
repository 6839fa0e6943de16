"""JSON decoding on the hot paths (reading events, decoding messages): orjson, exactly.

orjson is several times faster than the standard library but turns an integer beyond 64 bits into
a float, silently. Such a number needs 19 digits or more, so text with a run of 19 digits (which
also matches long digit strings inside quotes: harmless) is decoded by the standard library: the
result is always exactly what ``json.loads`` gives.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(rb"\d{19}")
_LONG_DIGITS_TEXT = re.compile(r"\d{19}")


def loads(text: str | bytes) -> Any:
    if isinstance(text, str):
        if _LONG_DIGITS_TEXT.search(text) is None:
            return orjson.loads(text)
    elif _LONG_DIGITS.search(text) is None:
        return orjson.loads(text)
    return json.loads(text)
