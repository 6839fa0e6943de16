"""The pension run's streams and deterministic ids (registry-rules §0).

- the month's pension of an entitlement: stream ``payment-<entitlement>-<YYYY-MM>``, event id
  ``uuid5(NAMESPACE, f"payment/{entitlement}/{YYYY-MM}")`` (the kit's ``MonthlyRun``);
- its back-payment after a late raise: the same scheme with the case
  ``<entitlement>-<digest>`` and the period ``backpay`` (stream
  ``payment-<entitlement>-<digest>-backpay``), the digest naming the months and the standards
  they are now paid under (``domain.pensions.backpay``): a repeated run, or the same standard
  posted again, names the same back-payment;
- a run's summary: ``pension-run-<YYYY-MM>``.
"""

from __future__ import annotations

import uuid

from minzheng_eventstore import payments as runtime

NAMESPACE = uuid.UUID("6f1c2a5e-9b7d-5e0a-8c43-3b2d7f9e1a64")
"""The namespace of the veterans pension payments' ids (never change it: ids would change)."""

PAYMENT_STREAM_TYPE = "payment"
BACKPAY = "backpay"
"""The period part of a back-payment's stream and id."""


def entitlement_payments_prefix(entitlement_id: str) -> str:
    """The start of every payment stream of an entitlement."""
    return f"payment-{entitlement_id}-"


def backpay_case(entitlement_id: str, digest: str) -> str:
    return f"{entitlement_id}-{digest}"


def payment_id(entitlement_id: str, period: object) -> uuid.UUID:
    """The one id of the month's pension of an entitlement."""
    return runtime.payment_id(NAMESPACE, entitlement_id, period)


def run_stream(period: object) -> str:
    return f"pension-run-{period}"


__all__ = [
    "BACKPAY",
    "NAMESPACE",
    "PAYMENT_STREAM_TYPE",
    "backpay_case",
    "entitlement_payments_prefix",
    "payment_id",
    "run_stream",
]
