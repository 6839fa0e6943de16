"""Keyed pseudonyms are stable for one key, differ across keys and purposes, and hide the ID."""

from __future__ import annotations

import pytest

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
