"""The death-benefit case's aggregate and ids: one case per person, its stream named by the
person's pseudonym (the entitlements' key), so a second report of the death finds it."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.death import case as c

CASE: Aggregate[c.Case] = Aggregate("death-case", c.CASE_EVENTS, c.Case, c.evolve)


def case_id(person: str) -> str:
    return f"death-{person}"


def case_stream(cid: str) -> str:
    return f"case-{cid}"
