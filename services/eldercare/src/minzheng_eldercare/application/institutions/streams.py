"""The institutions area's aggregates, stream ids and the leave deadline's kind."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.institutions import institution as i
from ...domain.institutions import residency as r
from ...domain.institutions import unregistered as u

INSTITUTION: Aggregate[i.Institution] = Aggregate(
    "institution", i.INSTITUTION_EVENTS, i.Institution, i.evolve
)
RESIDENCY: Aggregate[r.Residency] = Aggregate("residency", r.RESIDENCY_EVENTS, r.Residency, r.evolve)
UNREGISTERED: Aggregate[u.UnregisteredHome] = Aggregate(
    "unregistered-home", u.UNREGISTERED_EVENTS, u.UnregisteredHome, u.evolve
)

LEAVE = "residency-leave"
"""Deadline kind: a leave's return date (subject ``<residency stream>:leave-<n>``)."""

PERSON_PURPOSE = "eldercare-resident"
"""The pseudonym purpose of a resident's guard rows (never the raw ID as a key)."""


def institution_stream(institution_id: str) -> str:
    return f"institution-{institution_id}"


def residents_prefix(institution_id: str) -> str:
    """Every residency stream of one institution starts so (``.`` is not in an id)."""
    return f"residency-{institution_id}."


def residency_stream(institution_id: str, residency_id: str) -> str:
    return f"{residents_prefix(institution_id)}{residency_id}"


def unregistered_stream(case_id: str) -> str:
    return f"unregistered-home-{case_id}"


def leave_subject(stream: str, leave: int) -> str:
    return f"{stream}:leave-{leave}"


def leave_of(subject: str) -> tuple[str, int]:
    stream, _, n = subject.rpartition(":leave-")
    return stream, int(n)
