"""Projections: read models folded from the service's own events, checkpointed, rebuildable.

A projection tails ``store.read_all`` (tail-safe global order) and hands each batch to its
``handle(events, conn)``, which writes read-model rows with ``conn``; the rows and the new
checkpoint commit in one transaction, so a crash never applies a batch twice. An advisory lock
per projection keeps two processes from running the same projection at once. ``rebuild`` drops
the read model (through ``reset``) and folds every event again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

import structlog

from . import collector, page_reader
from .hint import AppendHint
from .model import START, Checkpoint, Page, RecordedEvent
from .store import Connection, EventStore

log = structlog.get_logger("minzheng.projection")

ProjectionHandler = Callable[[list[RecordedEvent], Connection], Awaitable[None]]
Reset = Callable[[Connection], Awaitable[None]]


class RowWrites:
    """The read-model writes of one batch, each keyed by the one row it touches (its ``$1``).

    ``apply`` runs them in rounds: round *n* holds the *n*-th write of every row, grouped by
    statement, each group one ``executemany`` (asyncpg pipelines it). Writes to one row keep their
    order; writes to different rows commute, because each statement touches only the row named by
    its first parameter. A batch of 1,000 events then costs a handful of round trips instead of
    one per event (projection rebuild, bulk set-up, the payment run's read model).
    """

    def __init__(self) -> None:
        self._rows: dict[Hashable, list[tuple[str, tuple[Any, ...]]]] = {}

    def add(self, sql: str, key: Hashable, *args: Any) -> None:
        """Queue ``sql`` with parameters ``(key, *args)``; it must touch only the row ``key`` names."""
        self._rows.setdefault(key, []).append((sql, (key, *args)))

    def __len__(self) -> int:
        return sum(len(w) for w in self._rows.values())

    async def apply(self, conn: Connection) -> None:
        rounds = max((len(w) for w in self._rows.values()), default=0)
        for n in range(rounds):
            groups: dict[str, list[tuple[Any, ...]]] = {}
            for writes in self._rows.values():
                if n < len(writes):
                    sql, args = writes[n]
                    groups.setdefault(sql, []).append(args)
            for sql, many in groups.items():
                if len(many) == 1:
                    await conn.execute(sql, *many[0])
                else:
                    await conn.executemany(sql, many)
        self._rows.clear()


class Projection:
    def __init__(
        self,
        store: EventStore,
        name: str,
        handle: ProjectionHandler,
        *,
        stream_types: Sequence[str] | None = None,
        reset: Reset | None = None,
        batch_size: int = 1000,
        idle_interval: float = 0.05,
    ) -> None:
        self.store = store
        self.name = name
        self.handle = handle
        self.stream_types = list(stream_types) if stream_types is not None else None
        self.reset = reset
        self.batch_size = batch_size
        self.idle_interval = idle_interval
        self._hint = AppendHint()
        self.applied = 0
        store.on_append(self._hint.ring)

    async def checkpoint(self) -> Checkpoint:
        async with self.store.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT tx, position FROM projection_checkpoints WHERE projection = $1", self.name
            )
        return START if row is None else Checkpoint(row["tx"], row["position"])

    async def run_once(self) -> int:
        """Apply the next page; return the number of rows it read (0 when caught up). The
        checkpoint moves to the page's end, past rows of other stream types too."""
        scanned, _ = await self._step(None)
        return scanned

    async def _step(self, ahead: tuple[Checkpoint, Page] | None) -> tuple[int, Checkpoint | None]:
        """Apply one page and move the checkpoint past it, in one transaction under the
        projection's lock. ``ahead`` is a page read beforehand from a checkpoint: it is applied if
        that is still the stored checkpoint, else (another process moved on) the next page is read
        now. Returns the rows moved past and the new checkpoint."""
        async with self.store.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('projection:' || $1))", self.name)
            row = await conn.fetchrow(
                "SELECT tx, position FROM projection_checkpoints WHERE projection = $1", self.name
            )
            after = START if row is None else Checkpoint(row["tx"], row["position"])
            if ahead is not None and ahead[0] == after:
                page = ahead[1]
            else:
                page = await self._read(after, conn)
            if not page.scanned:
                return 0, None
            self._hint.found()
            if page.events:
                await self.handle(page.events, conn)
            last = page.end
            await conn.execute(
                """
                INSERT INTO projection_checkpoints (projection, tx, position) VALUES ($1, $2, $3)
                ON CONFLICT (projection) DO UPDATE SET tx = excluded.tx, position = excluded.position,
                    updated_at = now()
                """,
                self.name,
                last.tx,
                last.position,
            )
        self.applied += len(page.events)
        return page.scanned, last

    async def _read(self, after: Checkpoint, conn: Connection | None = None) -> Page:
        self._hint.reading()
        return await page_reader.read_page(
            self.store, after, limit=self.batch_size, stream_types=self.stream_types, conn=conn
        )

    async def catch_up(self) -> int:
        """Run until no event is left; return how many were applied. The next page is read while
        the current one is applied, so that on a rebuild PostgreSQL reads while Python folds."""
        applied = self.applied
        start = await self.checkpoint()
        page = await self._read(start)
        while page.scanned:
            reading = asyncio.create_task(self._read(page.end))
            try:
                _, end = await self._step((start, page))
            except BaseException:
                reading.cancel()
                raise
            if end is None:  # caught up meanwhile by another process
                reading.cancel()
                break
            collector.page_folded()
            if end == page.end:
                start, page = end, await reading
            else:  # another process had moved the checkpoint: go on from where it is now
                reading.cancel()
                start, page = end, await self._read(end)
        return self.applied - applied

    async def rebuild(self) -> int:
        """Drop the read model and fold every event again (the collector held off the process's
        old objects meanwhile: ``collector``)."""
        if self.reset is None:
            raise RuntimeError(f"projection {self.name} has no reset: it cannot be rebuilt")
        async with self.store.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('projection:' || $1))", self.name)
            await self.reset(conn)
            await conn.execute("DELETE FROM projection_checkpoints WHERE projection = $1", self.name)
        with collector.held_off():
            return await self.catch_up()

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.1
        while not stop.is_set():
            try:
                moved = await self.run_once()
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("projection.retrying", projection=self.name, error=str(exc), backoff=backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if moved < self.batch_size:
                await self._hint.wait(self.idle_interval)
