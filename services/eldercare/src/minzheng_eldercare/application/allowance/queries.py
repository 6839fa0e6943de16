"""What the allowance area answers: the elders, selected from ``allowance_elders`` (filters,
paging, the caller's division) and shown from their streams; one elder from its stream."""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_eventstore import Actor
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import EventStore
from minzheng_kernel.errors import NotFound

from ...domain.allowance import elder as d
from .streams import ELDER, elder_stream


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    items: list[d.Elder]


async def elder(store: EventStore, actor: Actor, eid: str) -> d.Elder:
    try:
        state = ELDER.fold(await store.read_stream(elder_stream(eid)))
    except StreamNotFoundError:
        raise NotFound("elder_not_found", "no such elder", field="elder_id") from None
    actor.require_within(state.home, "elder_id")
    return state


async def elders(
    store: EventStore,
    actor: Actor,
    *,
    residence: str | None = None,
    band_lower: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """The elders within the caller's division (and ``residence``, a township or village prefix),
    by residence then id."""
    where = ["residence LIKE $1 || '%'", "residence LIKE $2 || '%'"]
    args: list[object] = [actor.jurisdiction or "", residence or ""]
    if band_lower is not None:
        args.append(band_lower)
        where.append(f"band_lower = ${len(args)}")
    if status is not None:
        args.append(status)
        where.append(f"status = ${len(args)}")
    sql = " AND ".join(where)
    async with store.pool.acquire() as conn:
        total = int(await conn.fetchval(f"SELECT count(*) FROM allowance_elders WHERE {sql}", *args))
        ids = await conn.fetch(
            f"SELECT elder_id FROM allowance_elders WHERE {sql} ORDER BY residence, elder_id "
            f"LIMIT {int(limit)} OFFSET {int(offset)}",
            *args,
        )
    items = [ELDER.fold(await store.read_stream(elder_stream(r["elder_id"]))) for r in ids]
    return Page(total, items)
