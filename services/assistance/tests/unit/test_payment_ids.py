"""A payment's id is the uuid5 of its case and month: stable across releases, so a repeated run
finds the payments of an earlier one."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from minzheng_assistance.application.payments import payment_id
from minzheng_assistance.application.streams import NAMESPACE
from minzheng_contracts import Period


@given(st.uuids(), st.integers(2000, 2100), st.integers(1, 12))
def test_the_payment_id_is_uuid5_of_case_and_month(case: uuid.UUID, year: int, month: int) -> None:
    period = Period(year, month)
    assert payment_id(case, period) == uuid.uuid5(NAMESPACE, f"payment/{case}/{period}")


def test_a_known_id_does_not_change() -> None:
    case = uuid.UUID("00000000-0000-4000-8000-000000000001")
    assert payment_id(case, Period(2026, 3)) == uuid.UUID("162385ff-568d-5f9b-9b7b-8cc705ce2a56")
