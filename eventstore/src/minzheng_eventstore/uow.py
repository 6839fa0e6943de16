"""The unit of work: load → decide → guard → append, in one transaction, retried as a whole.

A command handler is a function of a ``UnitOfWork``. It loads the streams it decides on (each once:
the unit remembers the version it loaded), lets the pure domain decide, writes the guard rows that
must be unique across streams on ``uow.conn`` (the same transaction), and records the new events at
the version it loaded. ``run_unit`` runs the whole function in a transaction and, when another
writer got there first (a ``ConcurrencyError`` on a stream, or a unique violation on a guard row),
runs it again from the start on the committed state: the retry wraps the whole unit (DESIGN §9.14).

A consumer's unit is bound to its inbox transaction (``conn=``): it runs in a savepoint of it, so a
retry rolls back only the unit's own writes, and the inbox row commits with the unit's effects or
not at all.

    async def raise_objection(uow: UnitOfWork) -> Household:
        state = await uow.load(HOUSEHOLD, stream)          # read once
        facts = household.raise_objection(state, ...)      # pure decision
        return await uow.record(HOUSEHOLD, stream, facts, jurisdiction=state.residence)

    await run_unit(store, raise_objection, builder=ctx.builder(actor))
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import asyncpg

from minzheng_kernel.events import DomainEvent, EventTypes

from .builder import EventBuilder
from .errors import ConcurrencyError, StoreUnavailableError, StreamNotFoundError
from .model import NO_STREAM, AppendResult, NewEvent, RecordedEvent
from .store import CONNECTION_ERRORS, Connection, EventStore

S = TypeVar("S")
R = TypeVar("R")

MAX_ATTEMPTS = 12
"""Enough for 16 writers on one stream: each retry waits a little, with jitter, so they spread out."""


@dataclass(frozen=True, slots=True)
class Aggregate(Generic[S]):
    """One kind of stream: its type in the store, its typed events and its pure fold.

    ``evolve(state, event)`` folds one typed event into the state; ``initial()`` is the state of a
    stream with no events."""

    stream_type: str
    events: EventTypes
    initial: Callable[[], S]
    evolve: Callable[[S, Any], S]

    def fold(self, events: Sequence[RecordedEvent], state: S | None = None) -> S:
        current = self.initial() if state is None else state
        for event in events:
            typed = self.events.maybe_load(event.event_type, event.data)
            if typed is not None:
                current = self.evolve(current, typed)
        return current

    def apply(self, state: S, events: Sequence[DomainEvent]) -> S:
        for event in events:
            state = self.evolve(state, event)
        return state


class UnitOfWork:
    """One transaction of a command or a consumed message: its loads, guard rows and appends."""

    def __init__(self, store: EventStore, conn: Connection, builder: EventBuilder) -> None:
        self.store = store
        self.conn = conn
        """The unit's transaction: write guard rows on it (``await uow.conn.execute(...)``)."""
        self.builder = builder
        self._versions: dict[str, int] = {}
        self._states: dict[str, Any] = {}
        self.appended: list[AppendResult] = []
        self.first_append_at: float | None = None
        """``perf_counter`` at the unit's first append: ``run_unit`` observes from there to the
        commit as ``mz_append_seconds``."""

    async def load(self, aggregate: Aggregate[S], stream_id: str) -> S:
        """The stream folded into a state (``initial()`` if it has no events). One read; the unit
        remembers the version, and ``record`` appends at it."""
        try:
            events = await self.store.read_stream(stream_id, conn=self.conn)
        except StreamNotFoundError:
            events = []
        state = aggregate.fold(events)
        self._versions[stream_id] = events[-1].version if events else NO_STREAM
        self._states[stream_id] = state
        return state

    def version(self, stream_id: str) -> int:
        """The version ``load`` found (after this unit's own appends); ``NO_STREAM`` if not loaded."""
        return self._versions.get(stream_id, NO_STREAM)

    async def record(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        facts: Sequence[DomainEvent],
        *,
        jurisdiction: str | None = None,
        at: datetime | None = None,
        event_ids: Sequence[UUID] | None = None,
    ) -> S:
        """Append ``facts`` to the stream at the version this unit loaded (a stream never loaded
        must be new), and return the state after them. No facts: nothing is written."""
        before = self._states.get(stream_id)
        if before is None:
            before = aggregate.initial()
        if facts:
            new = self.builder.build(facts, jurisdiction=jurisdiction, at=at, event_ids=event_ids)
            await self.append(stream_id, aggregate.stream_type, new)
        after = aggregate.apply(before, facts)
        self._states[stream_id] = after
        return after

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int | None = None,
    ) -> AppendResult:
        """Append built events (``record`` builds them from typed facts) in this transaction."""
        expected = self.version(stream_id) if expected_version is None else expected_version
        if self.first_append_at is None:
            self.first_append_at = time.perf_counter()
        result = await self.store.append(stream_id, stream_type, expected, events, conn=self.conn)
        self._versions[stream_id] = result.last_version
        self.appended.append(result)
        return result


Unit = Callable[[UnitOfWork], Awaitable[R]]


async def run_unit(
    store: EventStore,
    unit: Unit[R],
    *,
    builder: EventBuilder,
    conn: Connection | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> R:
    """Run ``unit`` in one transaction (or, with ``conn``, in a savepoint of the caller's: a
    consumer's inbox transaction) and retry it whole when another writer got there first.

    A conflict is a ``ConcurrencyError`` from an append, or a unique violation from a guard row
    (two applications for one person at once): on the retry the unit sees the committed state and
    decides again (commonly: refuses with a domain error, or finds its own earlier result). A
    broken connection (a PostgreSQL restart) is retried the same way, since nothing committed."""
    for attempt in range(1, max_attempts + 1):
        try:
            if conn is None:
                async with store.pool.acquire() as own:
                    uow = UnitOfWork(store, own, builder)
                    async with own.transaction():
                        result = await unit(uow)
            else:
                uow = UnitOfWork(store, conn, builder)
                async with conn.transaction():  # a savepoint: a retry undoes only this unit
                    result = await unit(uow)
            if uow.first_append_at is not None:  # committed (or, in a consumer, its savepoint released)
                store.append_seconds.observe(time.perf_counter() - uow.first_append_at)
            return result
        except (ConcurrencyError, asyncpg.UniqueViolationError) as exc:
            if attempt == max_attempts:
                if isinstance(exc, ConcurrencyError):
                    raise
                raise ConcurrencyError("(guard rows)", -1, -1) from None
            await asyncio.sleep(random.uniform(0, 0.002 * attempt))
        except CONNECTION_ERRORS as exc:
            if conn is not None or attempt >= 4:
                raise StoreUnavailableError(f"PostgreSQL unreachable: {type(exc).__name__}") from None
            await asyncio.sleep(0.2 * attempt)
    raise AssertionError("unreachable")
