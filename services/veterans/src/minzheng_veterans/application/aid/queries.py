"""The aid grants paid, read from their payment streams through the store, bounded by the
caller's division; and the totals by kind."""

from __future__ import annotations

from minzheng_eventstore import Actor
from minzheng_eventstore.store import EventStore

from ...domain.aid import grants as g
from .grants import PAYMENT_TYPE


async def grants(
    store: EventStore,
    actor: Actor,
    *,
    kind: g.Kind | None = None,
    residence: str | None = None,
    year: int | None = None,
) -> list[g.AidGrant]:
    prefix = "payment-" if kind is None else f"payment-{kind.value}-"
    found: list[g.AidGrant] = []
    for stream in await store.stream_ids(prefix, stream_type=PAYMENT_TYPE):
        for event in await store.read_stream(stream):
            fact = g.AID_EVENTS.load(event.event_type, event.data)
            assert isinstance(fact, g.AidGrant)
            if not actor.within(fact.residence) or (
                residence is not None and not fact.residence.startswith(residence)
            ):
                continue
            if year is not None and not fact.paid_on.startswith(f"{year:04d}-"):
                continue
            found.append(fact)
    return sorted(found, key=lambda f: (f.paid_on, f.payment_id))


def totals(found: list[g.AidGrant]) -> dict[str, dict[str, int]]:
    """Per kind: the count of grants and the fen paid."""
    out: dict[str, dict[str, int]] = {}
    for fact in found:
        kind = g.KIND_OF[fact.event_type].value
        row = out.setdefault(kind, {"count": 0, "total_fen": 0})
        row["count"] += 1
        row["total_fen"] += fact.amount_fen
    return out
