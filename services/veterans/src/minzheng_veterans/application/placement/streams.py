"""The placement area's aggregate, stream ids and the reporting deadline's kind."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.placement import soldier as s

SOLDIER: Aggregate[s.Soldier] = Aggregate("soldier", s.SOLDIER_EVENTS, s.Soldier, s.evolve)
REPORTING = "placement-report"
"""Deadline kind: a discharged soldier's reporting deadline (subject: the soldier's stream)."""


def soldier_stream(soldier_id: str) -> str:
    return f"soldier-{soldier_id}"


def soldier_of(stream: str) -> str:
    return stream.removeprefix("soldier-")
