"""What the conscript area answers, folded from the streams through the store (``stream_ids``,
``read_stream``): never behind a command; a county has a few hundred conscripts. Bounded by the
caller's division: lists are filtered, a single read outside it refused (403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from minzheng_eventstore import Actor
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import Connection, EventStore
from minzheng_eventstore.uow import Aggregate
from minzheng_kernel.errors import NotFound

from ...domain.conscripts import conscript as c
from .streams import CONSCRIPT, PAYMENT_TYPE, conscript_stream

S = TypeVar("S")


async def fold(store: EventStore, aggregate: Aggregate[S], stream: str) -> S:
    try:
        return aggregate.fold(await store.read_stream(stream))
    except StreamNotFoundError:
        return aggregate.initial()


async def fold_all(
    store: EventStore, aggregate: Aggregate[S], prefix: str, keep: Callable[[S], bool]
) -> list[S]:
    """Every stream of ``aggregate`` whose id starts with ``prefix``, folded, those ``keep`` holds."""
    found = []
    for stream in await store.stream_ids(prefix, stream_type=aggregate.stream_type):
        state = aggregate.fold(await store.read_stream(stream))
        if keep(state):
            found.append(state)
    return found


def page(items: list[S], offset: int, limit: int) -> tuple[int, list[S]]:
    return len(items), items[offset : offset + limit]


async def conscripts(
    store: EventStore, actor: Actor, *, county: str | None, status: str | None
) -> list[c.Conscript]:
    def keep(s: c.Conscript) -> bool:
        return (
            actor.within(s.county)
            and (county is None or s.county.startswith(county))
            and (status is None or s.status == status)
        )

    found = await fold_all(store, CONSCRIPT, "conscript-", keep)
    return sorted(found, key=lambda s: (str(s.enlisted_on), s.conscript_id or ""))


async def conscript(store: EventStore, actor: Actor, conscript_id: str) -> c.Conscript:
    state = await fold(store, CONSCRIPT, conscript_stream(conscript_id))
    if state.conscript_id is None:
        raise NotFound("conscript_not_found", "no such conscript", field="conscript_id")
    actor.require_within(state.county, "conscript_id")
    return state


async def allowances(
    store: EventStore, conscript_id: str, *, conn: Connection | None = None
) -> list[c.ConscriptAllowancePaid]:
    """The conscript's payments (base and supplements), by period (``conn``: in a unit's transaction)."""
    paid = []
    for stream in await store.stream_ids(f"payment-{conscript_id}-", stream_type=PAYMENT_TYPE, conn=conn):
        for event in await store.read_stream(stream, conn=conn):
            fact = c.PAYMENT_EVENTS.load(event.event_type, event.data)
            assert isinstance(fact, c.ConscriptAllowancePaid)
            paid.append(fact)
    return sorted(paid, key=lambda p: (p.period, p.kind, p.merit or ""))
