"""The fast JSON decoder gives exactly what ``json.loads`` gives, big integers included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore.jsoncodec import loads

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_same_as_the_standard_library(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


def test_integers_beyond_64_bits_stay_exact() -> None:
    for n in (2**63, 2**64 + 1, -(2**63) - 1, 10**30):
        assert loads(json.dumps({"n": n}))["n"] == n
        assert type(loads(json.dumps({"n": n}))["n"]) is int


def test_a_run_of_nineteen_digits_is_found_and_eighteen_is_not() -> None:
    from minzheng_eventstore.jsoncodec import has_long_digit_run

    assert has_long_digit_run(b'{"n": 1234567890123456789}')
    assert has_long_digit_run(b'["x0000000000000000000y"]')
    assert not has_long_digit_run(b'{"n": 123456789012345678, "m": 123456789012345678}')
    assert not has_long_digit_run('{"名": "一二三四五六七八九十一二三四五六七八九十"}'.encode())


@given(json_values | st.floats() | st.dictionaries(st.integers(), st.integers(), max_size=3))
def test_writes_what_the_standard_library_writes(value: object) -> None:
    from minzheng_eventstore.jsoncodec import dumps

    try:
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # NaN and infinities are not JSON: refused the same way
        with pytest.raises(ValueError):
            dumps(value)
        return
    assert json.loads(dumps(value)) == json.loads(expected)


def test_what_json_cannot_hold_is_refused_not_rewritten() -> None:
    import uuid
    from datetime import UTC, datetime

    from minzheng_eventstore.jsoncodec import dumps

    for value in ({"at": datetime.now(UTC)}, {"id": uuid.uuid4()}, {"x": float("nan")}):
        with pytest.raises((TypeError, ValueError)):
            dumps(value)
    assert dumps({"n": 2**70}) == '{"n":1180591620717411303424}'
