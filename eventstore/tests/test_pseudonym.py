"""Keyed pseudonyms are stable for one key, differ across keys and purposes, and hide the ID."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng_eventstore.pseudonym import Pseudonyms

ID = "11010519491231002X"


def test_pseudonyms_are_stable_per_key_and_purpose_and_reveal_nothing() -> None:
    a, b = Pseudonyms(b"k" * 32), Pseudonyms(b"j" * 32)
    assert a.token("household", ID) == a.token("household", ID)
    assert a.token("household", ID) != b.token("household", ID)
    assert a.token("household", ID) != a.token("medical", ID)
    assert ID[:6] not in a.token("household", ID) and len(a.token("household", ID)) == 26
    assert a.uuid("household", ID).version == 8


def test_a_deployment_must_configure_a_real_key() -> None:
    with pytest.raises(ValueError):
        Pseudonyms(b"short")
    with pytest.raises(SystemExit):
        Pseudonyms.from_env("disaster", {})
    assert Pseudonyms.from_env("disaster", {"DISASTER_PSEUDONYM_KEY": "s3cret-" * 4}).token("x", ID)


def _reference_token(key: bytes, purpose: str, value: str) -> str:
    """The first implementation (hmac.new + b32encode): existing streams are keyed by its output."""
    digest = hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:16]).decode().rstrip("=").lower()


def _reference_uuid(key: bytes, purpose: str, value: str) -> uuid.UUID:
    digest = hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80
    raw[8] = (raw[8] & 0x3F) | 0x80
    return uuid.UUID(bytes=bytes(raw))


@settings(max_examples=500)
@given(key=st.binary(min_size=16, max_size=80), purpose=st.text(max_size=30), value=st.text(max_size=40))
def test_pseudonyms_are_byte_identical_to_the_first_implementation(
    key: bytes, purpose: str, value: str
) -> None:
    p = Pseudonyms(key)
    assert p.token(purpose, value) == _reference_token(key, purpose, value)
    assert p.uuid(purpose, value) == _reference_uuid(key, purpose, value)
