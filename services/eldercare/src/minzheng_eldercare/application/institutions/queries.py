"""What the institutions area answers, folded from the streams through the store (``stream_ids``,
``read_stream``: never behind a command; a county has tens of institutions and some thousands of
residents), with the occupied beds and the standing from the guard rows. Bounded by the caller's
division: lists are filtered, a single read outside it refused (403).

A person's stays are found by pseudonym (``institution_stays``), never by scanning for the ID."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import EventStore
from minzheng_eventstore.uow import Aggregate
from minzheng_kernel.errors import NotFound

from ...domain.institutions import institution as i
from ...domain.institutions import residency as r
from ...domain.institutions import unregistered as u
from . import guards
from .residency import person_token
from .streams import (
    INSTITUTION,
    RESIDENCY,
    UNREGISTERED,
    institution_stream,
    residency_stream,
    residents_prefix,
    unregistered_stream,
)

S = TypeVar("S")


async def fold(store: EventStore, aggregate: Aggregate[S], stream: str) -> S:
    try:
        return aggregate.fold(await store.read_stream(stream))
    except StreamNotFoundError:
        return aggregate.initial()


async def fold_all(
    store: EventStore, aggregate: Aggregate[S], prefix: str, keep: Callable[[S], bool]
) -> list[S]:
    """Every stream of ``aggregate`` under ``prefix``, folded (read over the pool's connections
    at once), those ``keep`` holds."""
    streams = await store.stream_ids(prefix, stream_type=aggregate.stream_type)
    states = await asyncio.gather(*(fold(store, aggregate, stream) for stream in streams))
    return [state for state in states if keep(state)]


@dataclass(frozen=True, slots=True)
class InstitutionView:
    institution: i.Institution
    occupied: int
    status: str
    """``operating`` | ``admissions_suspended`` | ``closed`` (the standing row)."""


def status_of(suspended: bool, closed: bool) -> str:
    return "closed" if closed else "admissions_suspended" if suspended else "operating"


async def institutions(
    store: EventStore,
    actor: Actor,
    *,
    township: str | None = None,
    kind: str | None = None,
    model: str | None = None,
    status: str | None = None,
) -> list[InstitutionView]:
    async with store.pool.acquire() as conn:
        rows = await guards.occupancy(conn)

    def keep(st: i.Institution) -> bool:
        return (
            actor.within(st.township)
            and (township is None or st.township.startswith(township))
            and kind in (None, st.kind)
            and model in (None, st.model)
        )

    found = []
    for st in await fold_all(store, INSTITUTION, "institution-", keep):
        assert st.institution_id is not None
        _, occupied, suspended, closed = rows.get(st.institution_id, (st.beds, 0, False, False))
        view = InstitutionView(st, occupied, status_of(suspended, closed))
        if status in (None, view.status):
            found.append(view)
    return sorted(
        found, key=lambda v: (v.institution.township, v.institution.name, v.institution.institution_id or "")
    )


async def institution(store: EventStore, actor: Actor, institution_id: str) -> InstitutionView:
    st = (await fold(store, INSTITUTION, institution_stream(institution_id))).exists()
    actor.require_within(st.township, "institution_id")
    async with store.pool.acquire() as conn:
        row = (await guards.occupancy(conn)).get(institution_id, (st.beds, 0, False, False))
    return InstitutionView(st, row[1], status_of(row[2], row[3]))


async def residents(
    store: EventStore,
    actor: Actor,
    institution_id: str,
    *,
    status: str | None = None,
    leave_overdue: bool | None = None,
) -> list[r.Residency]:
    """The institution's stays (by default every one; ``status``: resident, on_leave, discharged;
    ``leave_overdue``: away past the return date, the daily list of leaves to chase)."""
    await institution(store, actor, institution_id)

    def keep(st: r.Residency) -> bool:
        return status in (None, st.status.value) and leave_overdue in (None, st.leave_overdue)

    found = await fold_all(store, RESIDENCY, residents_prefix(institution_id), keep)
    return sorted(found, key=lambda st: (str(st.admitted_on), st.residency_id or ""))


async def residency(store: EventStore, actor: Actor, institution_id: str, residency_id: str) -> r.Residency:
    st = (await fold(store, RESIDENCY, residency_stream(institution_id, residency_id))).exists()
    actor.require_within(st.township, "residency_id")
    return st


async def stays_of(ctx: ServiceContext, actor: Actor, person: ResidentId) -> list[r.Residency]:
    """Every stay of one person (by pseudonym), within the caller's division."""
    async with ctx.store.pool.acquire() as conn:
        keys = await guards.stays_of(conn, person_token(ctx, person))
    found = [await fold(ctx.store, RESIDENCY, residency_stream(iid, rid)) for iid, rid in keys]
    kept = [st for st in found if st.residency_id is not None and actor.within(st.township)]
    return sorted(kept, key=lambda st: (str(st.admitted_on), st.residency_id or ""))


async def unregistered_homes(
    store: EventStore, actor: Actor, *, open_only: bool = True
) -> list[u.UnregisteredHome]:
    found = await fold_all(
        store,
        UNREGISTERED,
        "unregistered-home-",
        lambda st: actor.within(st.township) and (st.open or not open_only),
    )
    return sorted(found, key=lambda st: (str(st.reported_on), st.case_id or ""))


async def unregistered_home(store: EventStore, actor: Actor, case_id: str) -> u.UnregisteredHome:
    st = await fold(store, UNREGISTERED, unregistered_stream(case_id))
    if st.case_id is None:
        raise NotFound("case_not_found", "no such unregistered-home case", field="case_id")
    actor.require_within(st.township, "case_id")
    return st
