"""What the inspections area answers, folded from the institutions' oversight streams through the
store (``stream_ids``, ``read_stream``): a county has tens of institutions and some hundred
findings a year. Never behind a command. Bounded by the caller's division: lists are filtered, a
single read outside it refused (403)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from minzheng_eventstore import Actor
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import EventStore
from minzheng_kernel.errors import NotFound

from ...domain.inspections.oversight import Hazard, Inspection, Order, Oversight
from .standing import standing
from .streams import OVERSIGHT, oversight_stream

T = TypeVar("T")


async def oversight(store: EventStore, actor: Actor, institution_id: str) -> Oversight:
    """One institution's file: empty (``not_inspected``) for a registered institution never
    inspected, 404 for one not registered."""
    try:
        state = OVERSIGHT.fold(await store.read_stream(oversight_stream(institution_id)))
    except StreamNotFoundError:
        async with store.pool.acquire() as conn:
            row = await standing(conn, institution_id)
        state = Oversight(institution_id=institution_id, township=row.township)
    actor.require_within(state.township, "institution_id")
    return state


async def files(store: EventStore, actor: Actor, township: str | None = None) -> list[Oversight]:
    """Every institution's file within the caller's division (and ``township``), by institution."""
    found = []
    for stream in await store.stream_ids("oversight-", stream_type=OVERSIGHT.stream_type):
        state = OVERSIGHT.fold(await store.read_stream(stream))
        if actor.within(state.township) and (township is None or state.township.startswith(township)):
            found.append(state)
    return sorted(found, key=lambda st: st.institution_id or "")


@dataclass(frozen=True, slots=True)
class Row(Generic[T]):
    """One item with its institution's file (for the township and the institution's standing)."""

    file: Oversight
    item: T


def inspections(found: list[Oversight], institution_id: str | None = None) -> list[Row[Inspection]]:
    rows = [
        Row(f, i)
        for f in found
        if institution_id is None or f.institution_id == institution_id
        for i in f.inspections.values()
    ]
    return sorted(rows, key=lambda r: (r.item.inspected_on, r.item.inspection_id))


def orders(found: list[Oversight], status: str | None = None) -> list[Row[Order]]:
    rows = [Row(f, o) for f in found for o in f.orders.values() if status is None or o.status == status]
    return sorted(rows, key=lambda r: (r.item.ordered_on, r.item.order_id))


def hazards(
    found: list[Oversight],
    *,
    open: bool | None = None,
    sector: str | None = None,
    category: str | None = None,
) -> list[Row[Hazard]]:
    rows = [
        Row(f, h)
        for f in found
        for h in f.hazards.values()
        if (open is None or h.open == open)
        and (sector is None or h.sector == sector)
        and (category is None or h.category == category)
    ]
    return sorted(rows, key=lambda r: (r.item.found_on, r.item.hazard_id))


async def order(store: EventStore, actor: Actor, order_id: str) -> Row[Order]:
    async with store.pool.acquire() as conn:
        institution_id = await conn.fetchval(
            "SELECT institution_id FROM eldercare_rectification_orders WHERE id = $1", order_id
        )
    if institution_id is None:
        raise NotFound("order_not_found", "no such rectification order", field="order_id")
    file = await oversight(store, actor, str(institution_id))
    return Row(file, file.orders[order_id])
