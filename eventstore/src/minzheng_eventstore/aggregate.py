"""Load-decide-append over untyped events: the first form of the loop, kept for tools and the
benchmark against the eventsourcing library. Services use ``uow`` (typed events, guard rows and
several streams in one unit of work).

An aggregate is three pure pieces supplied by the service's domain:
``initial()`` (the state of a stream with no events), ``evolve(state, event)`` (fold one
recorded event into the state) and a ``decide(state, version)`` closure built by the command
handler (returns the new events, or raises a domain error). ``Repository`` does the I/O:
it loads (from a snapshot when there is one), calls ``decide``, appends with the version it
loaded, and on a ``ConcurrencyError`` reloads and decides again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from .errors import ConcurrencyError, StreamNotFoundError
from .model import AppendResult, Checkpoint, NewEvent, RecordedEvent, Snapshot
from .store import Connection, EventStore

S = TypeVar("S")

Decide = Callable[[S, int], Sequence[NewEvent]]


@dataclass(frozen=True, slots=True)
class Loaded(Generic[S]):
    """A stream folded into a state, with the version it was folded up to."""

    state: S
    version: int


class Repository(Generic[S]):
    """Loads and saves one kind of aggregate (one ``stream_type``) of a service."""

    def __init__(
        self,
        store: EventStore,
        stream_type: str,
        *,
        initial: Callable[[], S],
        evolve: Callable[[S, RecordedEvent], S],
        snapshot_every: int | None = None,
        to_snapshot: Callable[[S], dict[str, Any]] | None = None,
        from_snapshot: Callable[[dict[str, Any]], S] | None = None,
        snapshot_schema_version: int = 1,
        max_attempts: int = 5,
    ) -> None:
        if snapshot_every is not None and (to_snapshot is None or from_snapshot is None):
            raise ValueError("snapshots need to_snapshot and from_snapshot")
        self.store = store
        self.stream_type = stream_type
        self.initial = initial
        self.evolve = evolve
        self.snapshot_every = snapshot_every
        self.to_snapshot = to_snapshot
        self.from_snapshot = from_snapshot
        self.snapshot_schema_version = snapshot_schema_version
        self.max_attempts = max_attempts

    async def load(
        self,
        stream_id: str,
        *,
        as_of: datetime | Checkpoint | None = None,
        must_exist: bool = True,
        conn: Connection | None = None,
    ) -> Loaded[S]:
        """Fold the stream into a state. ``as_of`` gives the state as it was known then
        (snapshots are not used for such reads, so the answer depends on events alone)."""
        state, version = self.initial(), 0
        use_snapshot = self.snapshot_every is not None and as_of is None
        if use_snapshot:
            snap = await self.store.load_snapshot(stream_id, conn=conn)
            if snap is not None and snap.schema_version == self.snapshot_schema_version:
                assert self.from_snapshot is not None
                state, version = self.from_snapshot(snap.state), snap.version
        try:
            events = await self.store.read_stream(stream_id, from_version=version + 1, as_of=as_of, conn=conn)
        except StreamNotFoundError:
            if must_exist:
                raise
            events = []
        for event in events:
            state = self.evolve(state, event)
            version = event.version
        if use_snapshot and len(events) >= (self.snapshot_every or 0) > 0:
            assert self.to_snapshot is not None
            await self.store.save_snapshot(
                Snapshot(stream_id, version, self.to_snapshot(state), self.snapshot_schema_version), conn=conn
            )
        return Loaded(state, version)

    async def create(self, stream_id: str, events: Sequence[NewEvent]) -> AppendResult:
        """Start a new stream; ``ConcurrencyError`` if it exists (unless these events are a retry)."""
        return await self.store.append(stream_id, self.stream_type, 0, events)

    async def handle(
        self,
        stream_id: str,
        decide: Decide[S],
        *,
        must_exist: bool = True,
        conn: Connection | None = None,
    ) -> AppendResult | None:
        """Load, decide, append; retry on concurrency. Returns ``None`` when ``decide`` returns
        no events (a command that changes nothing, such as a repeated request)."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                if conn is None:
                    return await self._attempt(stream_id, decide, must_exist, None)
                async with conn.transaction():  # a savepoint: the retry undoes only this attempt
                    return await self._attempt(stream_id, decide, must_exist, conn)
            except ConcurrencyError:
                if attempt == self.max_attempts:
                    raise
        raise AssertionError("unreachable")

    async def _attempt(
        self, stream_id: str, decide: Decide[S], must_exist: bool, conn: Connection | None
    ) -> AppendResult | None:
        loaded = await self.load(stream_id, must_exist=must_exist, conn=conn)
        events = decide(loaded.state, loaded.version)
        if not events:
            return None
        return await self.store.append(stream_id, self.stream_type, loaded.version, events, conn=conn)
