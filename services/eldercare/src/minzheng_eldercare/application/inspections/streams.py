"""The inspections area's aggregate, stream ids and the rectification deadline's kind."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.inspections.events import OVERSIGHT_EVENTS
from ...domain.inspections.oversight import Oversight, evolve

OVERSIGHT: Aggregate[Oversight] = Aggregate("oversight", OVERSIGHT_EVENTS, Oversight, evolve)
RECTIFICATION = "rectification-deadline"
"""Deadline kind: a rectification order's deadline (subject: ``order_subject(order_id)``)."""


def oversight_stream(institution_id: str) -> str:
    return f"oversight-{institution_id}"


def order_subject(order_id: str) -> str:
    return f"rectification-{order_id}"


def order_of(subject: str) -> str:
    return subject.removeprefix("rectification-")
