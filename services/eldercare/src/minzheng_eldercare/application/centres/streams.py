"""The centres area's aggregates, stream ids and payment keys."""

from __future__ import annotations

import uuid

from minzheng_eventstore import payments
from minzheng_eventstore.uow import Aggregate

from ...domain.centres import centre as c
from ...domain.centres import subsidies as s

CENTRE: Aggregate[c.Centre] = Aggregate("care-centre", c.CENTRE_EVENTS, c.Centre, c.evolve)
ROUND: Aggregate[s.SubsidyRound] = Aggregate("subsidy-round", s.ROUND_EVENTS, s.SubsidyRound, s.evolve_round)
PAYMENT_TYPE = "centre-subsidy"
NAMESPACE = uuid.UUID("6c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f")


def centre_stream(centre_id: str) -> str:
    return f"care-centre-{centre_id}"


def round_stream(round_id: str) -> str:
    return f"subsidy-round-{round_id}"


def payment_case(kind: s.SubsidyKind, centre_id: str) -> str:
    """The business key's case: the type and the centre (the reference is the period)."""
    return f"centre-{kind.value}-{centre_id}"


def payment_id(kind: s.SubsidyKind, centre_id: str, reference: str) -> uuid.UUID:
    """Deterministic: type + centre + reference."""
    return payments.payment_id(NAMESPACE, payment_case(kind, centre_id), reference)
