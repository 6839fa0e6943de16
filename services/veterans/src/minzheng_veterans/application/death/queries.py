"""What the death area answers, folded from the case streams: one case, the cases within the
caller's division (filtered by status), and the overpayments with their recovery tasks."""

from __future__ import annotations

from minzheng_eventstore import Actor
from minzheng_eventstore.store import EventStore

from ...domain.death import case as c
from .handlers import existing
from .streams import CASE, case_stream


async def every_case(store: EventStore) -> list[c.Case]:
    cases = []
    for stream in await store.stream_ids(case_stream("death-"), stream_type=CASE.stream_type):
        cases.append(CASE.fold(await store.read_stream(stream)))
    return sorted(cases, key=lambda s: s.case_id or "")


async def cases(store: EventStore, actor: Actor, *, status: str | None = None) -> list[c.Case]:
    return [s for s in await every_case(store) if actor.within(s.residence) and status in (None, s.status)]


__all__ = ["cases", "every_case", "existing", "recovery_tasks"]


async def recovery_tasks(
    store: EventStore,
    actor: Actor,
    *,
    status: str | None = None,
    township: str | None = None,
    case_id: str | None = None,
) -> list[tuple[c.Case, c.Overpayment]]:
    """The recovery tasks within the caller's division, each with its case: ``status`` ``open`` or
    ``closed``, a township, a case."""
    return [
        (s, o)
        for s in await cases(store, actor)
        if (township is None or s.township == township) and (case_id is None or s.case_id == case_id)
        for o in s.overpayments
        if status is None or (status == "closed") == o.closed
    ]
