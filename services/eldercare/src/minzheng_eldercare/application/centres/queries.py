"""What the centres area answers, folded from the streams through the store (a county has a
hundred-odd centres and a few hundred payments), bounded by the caller's division: lists are
filtered, a single read outside it refused (403)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from minzheng_eventstore import Actor
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import EventStore
from minzheng_kernel.errors import NotFound

from ...domain.centres import centre as c
from ...domain.centres import subsidies as s
from .streams import CENTRE, PAYMENT_TYPE, ROUND, centre_stream, round_stream


async def centres(
    store: EventStore, actor: Actor, *, township: str | None = None, status: c.Status | None = None
) -> list[c.Centre]:
    found = []
    for stream in await store.stream_ids("care-centre-", stream_type=CENTRE.stream_type):
        st = CENTRE.fold(await store.read_stream(stream))
        if not actor.within(st.division):
            continue
        if township is not None and not st.division.startswith(township):
            continue
        if status is not None and st.status is not status:
            continue
        found.append(st)
    return sorted(found, key=lambda st: (st.division, st.name, st.centre_id or ""))


async def centre(store: EventStore, actor: Actor, centre_id: str) -> c.Centre:
    try:
        state = CENTRE.fold(await store.read_stream(centre_stream(centre_id)))
    except StreamNotFoundError:
        raise NotFound("centre_not_found", "no such home-care centre", field="centre_id") from None
    actor.require_within(state.division, "centre_id")
    return state


@dataclass(frozen=True, slots=True)
class CentreFigures:
    total: int
    by_status: dict[str, int]
    by_township: dict[str, int]
    accepted_by_year: dict[str, int]
    """Centres accepted (newly finished) per year: the catalogue's "今年新建36家"."""


def figures(found: list[c.Centre]) -> CentreFigures:
    return CentreFigures(
        len(found),
        dict(Counter(st.status.value for st in found)),
        dict(Counter(st.division[:9] for st in found)),
        dict(Counter(str(st.accepted_on.year) for st in found if st.accepted_on is not None)),
    )


async def round_(store: EventStore, actor: Actor, round_id: str) -> s.SubsidyRound:
    try:
        state = ROUND.fold(await store.read_stream(round_stream(round_id)))
    except StreamNotFoundError:
        raise NotFound("round_not_found", "no such subsidy round", field="round_id") from None
    actor.require_within(state.jurisdiction, "round_id")
    return state


async def centre_payments(store: EventStore, actor: Actor) -> list[s.CareCentreSubsidyPaid]:
    """Every centre subsidy the caller may see."""
    found = []
    for stream in await store.stream_ids("payment-centre-", stream_type=PAYMENT_TYPE):
        for event in await store.read_stream(stream):
            fact = s.PAYMENT_EVENTS.load(event.event_type, event.data)
            assert isinstance(fact, s.CareCentreSubsidyPaid)
            if actor.within(fact.division):
                found.append(fact)
    return found


def paid_by_kind(found: list[s.CareCentreSubsidyPaid], round_id: str) -> dict[str, int]:
    """What a round has paid, per type (fen)."""
    out: dict[str, int] = {}
    for fact in found:
        if fact.round_id == round_id:
            out[fact.kind] = out.get(fact.kind, 0) + fact.amount_fen
    return out
