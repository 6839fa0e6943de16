"""One centre and one subsidy round, folded from their streams through the store (the lists and
figures are the read models': ``reads``), bounded by the caller's division (403 outside it)."""

from __future__ import annotations

from minzheng_eventstore import Actor
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import EventStore
from minzheng_kernel.errors import NotFound

from ...domain.centres import centre as c
from ...domain.centres import subsidies as s
from .streams import CENTRE, ROUND, centre_stream, round_stream


async def centre(store: EventStore, actor: Actor, centre_id: str) -> c.Centre:
    try:
        state = CENTRE.fold(await store.read_stream(centre_stream(centre_id)))
    except StreamNotFoundError:
        raise NotFound("centre_not_found", "no such home-care centre", field="centre_id") from None
    actor.require_within(state.division, "centre_id")
    return state


async def round_(store: EventStore, actor: Actor, round_id: str) -> s.SubsidyRound:
    try:
        state = ROUND.fold(await store.read_stream(round_stream(round_id)))
    except StreamNotFoundError:
        raise NotFound("round_not_found", "no such subsidy round", field="round_id") from None
    actor.require_within(state.jurisdiction, "round_id")
    return state
