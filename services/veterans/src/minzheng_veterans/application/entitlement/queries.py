"""What the entitlement area answers, folded from its streams through the store (one pass over
the entitlement events in global order, ``read_all``): the list, one entitlement, and the pension
run's roll (``roll.provide``). Never behind a command."""

from __future__ import annotations

from collections.abc import Sequence

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.model import START, RecordedEvent
from minzheng_eventstore.store import EventStore
from minzheng_kernel.errors import NotFound

from ...domain.entitlement import entitlement as e
from ..pensions.roll import Entitled, provide
from .streams import ENTITLEMENT, entitlement_stream

PAGE = 5_000


async def every_entitlement(store: EventStore) -> list[e.Entitlement]:
    """Every entitlement of the service, by id."""
    by_stream: dict[str, list[RecordedEvent]] = {}
    after = START
    while True:
        page = await store.read_all(after, limit=PAGE, stream_types=[ENTITLEMENT.stream_type])
        for event in page:
            by_stream.setdefault(event.stream_id, []).append(event)
        if len(page) < PAGE:
            break
        after = page[-1].checkpoint
    states = (ENTITLEMENT.fold(events) for events in by_stream.values())
    return sorted((s for s in states if s.entitlement_id), key=lambda s: s.entitlement_id or "")


async def entitlements(
    store: EventStore,
    actor: Actor,
    *,
    category: str | None = None,
    status: str | None = None,
    township: str | None = None,
) -> list[e.Entitlement]:
    """The entitlements within the caller's division, filtered."""
    return [
        s
        for s in await every_entitlement(store)
        if actor.within(s.residence)
        and (category is None or s.current.category == category)
        and (status is None or s.status == status)
        and (township is None or s.residence.startswith(township))
    ]


async def entitlement(store: EventStore, actor: Actor, eid: str) -> e.Entitlement:
    try:
        state = ENTITLEMENT.fold(await store.read_stream(entitlement_stream(eid)))
    except StreamNotFoundError:
        raise NotFound("entitlement_not_found", "no such entitlement", field="entitlement_id") from None
    actor.require_within(state.residence, "entitlement_id")
    return state


def entitled(s: e.Entitlement) -> Entitled:
    """The entitlement as the pension run sees it."""
    assert s.entitlement_id is not None
    return Entitled(
        s.entitlement_id, s.person, s.resident_id, s.residence, s.current.category.value, s.basis_in
    )


async def roll(ctx: ServiceContext) -> Sequence[Entitled]:
    """The county's entitlements for the pension run (each says which months it is paid)."""
    return [entitled(s) for s in await every_entitlement(ctx.store) if s.residence.startswith(ctx.county)]


provide(roll)
