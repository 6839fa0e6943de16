"""The conscript area's aggregates and stream ids (a conscript by its id, never its resident ID)."""

from __future__ import annotations

import uuid

from minzheng_eventstore.uow import Aggregate

from ...domain.conscripts import conscript as c

CONSCRIPT: Aggregate[c.Conscript] = Aggregate("conscript", c.CONSCRIPT_EVENTS, c.Conscript, c.evolve)
NAMESPACE = uuid.UUID("3f0b8f0e-5d0c-4c57-9f52-6a1c0c9a1e15")
"""Of the allowance payments' deterministic ids (``payments.payment_id``)."""


def conscript_stream(conscript_id: str) -> str:
    return f"conscript-{conscript_id}"


def supplement_case(conscript_id: str, merit: str) -> str:
    """A merit supplement's case: one payment per conscript, service year (its period) and merit."""
    return f"{conscript_id}-{merit}"


PAYMENT_TYPE = "conscript-payment"
"""The stream type of the allowance's payment streams (``payment-<case>-<period>``)."""
