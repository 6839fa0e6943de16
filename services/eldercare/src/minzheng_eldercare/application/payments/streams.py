"""The allowance payments' streams and deterministic ids (registry-rules §0).

- a month's allowance of an elder: stream ``payment-<elder>-<YYYY-MM>``, event id
  ``uuid5(NAMESPACE, f"payment/{elder}/{YYYY-MM}")`` (the kit's ``MonthlyRun``); in annual mode the
  year's payment: ``payment-<elder>-<YYYY>``, ``payment/{elder}/{YYYY}``;
- an overpayment of one payment: ``overpayment-<elder>-<key>``, event id
  ``uuid5(NAMESPACE, f"overpayment/{elder}/{key}")``;
- a run's summary: ``allowance-run-<YYYY-MM>``.
"""

from __future__ import annotations

import uuid

from minzheng_eventstore import payments as runtime

NAMESPACE = uuid.UUID("3b1f6c0e-4d2a-5f7b-9e81-2c5a7d0e9f13")
"""The namespace of the allowance payments' ids (never change it: ids would change)."""

PAYMENT_STREAM_TYPE = "payment"
OVERPAYMENT_STREAM_TYPE = "overpayment"
RUN_STREAM_TYPE = "allowance_run"


def payment_id(elder_id: str, key: object) -> uuid.UUID:
    """The one id of an elder's allowance for a month (``YYYY-MM``) or a year (``YYYY``)."""
    return runtime.payment_id(NAMESPACE, elder_id, key)


def elder_payments_prefix(elder_id: str) -> str:
    """The start of every allowance payment stream of an elder."""
    return f"payment-{elder_id}-"


def overpayment_stream(elder_id: str, key: str) -> str:
    return f"overpayment-{elder_id}-{key}"


def overpayment_id(elder_id: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"overpayment/{elder_id}/{key}")


def run_stream(period: object) -> str:
    return f"allowance-run-{period}"


__all__ = [
    "NAMESPACE",
    "OVERPAYMENT_STREAM_TYPE",
    "PAYMENT_STREAM_TYPE",
    "RUN_STREAM_TYPE",
    "elder_payments_prefix",
    "overpayment_id",
    "overpayment_stream",
    "payment_id",
    "run_stream",
]
