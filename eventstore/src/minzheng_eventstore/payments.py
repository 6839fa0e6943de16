"""The exactly-once monthly payment run (按月发放), per entitlement and period.

Each payment is the first and only event of its own stream ``payment-<case>-<YYYY-MM>``, with a
deterministic event id ``uuid5(namespace, f"payment/{case}/{period}")``. A run collects payments and
writes them in batches with ``EventStore.create_streams_once``, which skips streams that exist: a
repeated run, or one resumed after a crash (kill -9) halfway, finds the batches already committed
and pays nobody twice. What is due and how much is the service's decision; this module only pays.

A run on the pool (no ``conn``) keeps one batch in flight: while PostgreSQL writes a batch, the
run decides and builds the next (each batch is its own transaction, so a kill loses at most the
batches in flight, and the rerun writes them). ``flush`` and ``finish`` wait for every batch
written; ``result`` counts a batch once it is committed. A run in the caller's transaction
(``conn``) writes each batch before it goes on.

    run = MonthlyRun(store, ctx.builder(actor), namespace=NS, period="2026-03")
    for case in cases:
        pid = run.payment_id(case)
        await run.pay(case, PaymentIssued(payment_id=str(pid), ...), event_id=pid,
                      amount_fen=amount, jurisdiction=residence)
    result = await run.finish()          # RunResult: paid, already_paid, total_fen, skipped
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from minzheng_kernel.events import DomainEvent

from .builder import EventBuilder
from .model import NewEvent
from .store import Connection, EventStore

BATCH = 2000
"""Payments per ``create_streams_once`` statement: large enough for the batching to pay, small
enough that a kill loses little work."""


def payment_id(namespace: uuid.UUID, case: object, period: object) -> uuid.UUID:
    """``uuid.uuid5(namespace, f"payment/{case}/{period}")``, computed without the standard
    library's per-call overhead (half the time; a run computes 100,000 of them)."""
    digest = hashlib.sha1(namespace.bytes + f"payment/{case}/{period}".encode(), usedforsecurity=False)
    return uuid.UUID(bytes=digest.digest()[:16], version=5)


def payment_stream(case: object, period: object) -> str:
    """The one stream of a case's payment for a period."""
    return f"payment-{case}-{period}"


@dataclass
class RunResult:
    """What one run did: ``paid`` streams it created, ``already_paid`` it found, ``skipped`` cases
    by reason (nothing due, not yet effective…)."""

    run_id: str
    period: str
    considered: int = 0
    paid: int = 0
    already_paid: int = 0
    total_fen: int = 0
    seconds: float = 0.0
    skipped: dict[str, int] = field(default_factory=dict)


class MonthlyRun:
    """One payment run of one period: pays each case at most once, in batches."""

    def __init__(
        self,
        store: EventStore,
        builder: EventBuilder,
        *,
        namespace: uuid.UUID,
        period: object,
        run_id: uuid.UUID | None = None,
        at: datetime | None = None,
        stream_type: str = "payment",
        batch: int = BATCH,
        conn: Connection | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be positive")
        self.store = store
        self.builder = builder
        self.namespace = namespace
        self.period = str(period)
        self.run_id = run_id or uuid.uuid4()
        self.at = at or builder.clock.now()
        """Every payment of the run is issued at the run's start."""
        self.stream_type = stream_type
        self.batch = batch
        self.conn = conn
        self.result = RunResult(str(self.run_id), self.period)
        self._started = time.perf_counter()
        self._pending: list[tuple[str, list[NewEvent]]] = []
        self._amounts: list[int] = []
        self._writing: _Write | None = None

    def payment_id(self, case: object) -> uuid.UUID:
        return payment_id(self.namespace, case, self.period)

    def skip(self, reason: str) -> None:
        """A case considered and not paid, with the reason."""
        self.result.considered += 1
        self.result.skipped[reason] = self.result.skipped.get(reason, 0) + 1

    async def pay(
        self, case: object, fact: DomainEvent, *, event_id: uuid.UUID, amount_fen: int, jurisdiction: str
    ) -> None:
        """Pay ``case`` for the period with ``fact`` (its ``event_id`` is ``self.payment_id(case)``)."""
        self.result.considered += 1
        meta = self.builder.metadata(jurisdiction)
        event = self.builder.one(fact, meta=meta, at=self.at, event_id=event_id)
        self._pending.append((payment_stream(case, self.period), [event]))
        self._amounts.append(amount_fen)
        if len(self._pending) >= self.batch:
            await self._send()

    async def flush(self) -> None:
        """Write the pending payments (one statement) and wait for every batch in flight; those
        already paid are skipped. Once it returns, everything paid so far is committed."""
        await self._send(wait=True)

    async def finish(self) -> RunResult:
        await self.flush()
        self.result.seconds = time.perf_counter() - self._started
        return self.result

    async def _send(self, *, wait: bool = False) -> None:
        """Start writing the pending batch, after the one in flight is committed (its result
        counted, its error raised here); with ``wait``, or in the caller's transaction, wait for
        it too."""
        previous, self._writing = self._writing, None
        if previous is not None:
            self._count(previous, await previous.task)
        if not self._pending:
            return
        batch = _Write(self._pending, self._amounts, asyncio.ensure_future(self._create(self._pending)))
        self._pending, self._amounts = [], []
        if wait or self.conn is not None:
            self._count(batch, await batch.task)
        else:
            self._writing = batch
            batch.task.add_done_callback(_retrieved)

    async def _create(self, streams: list[tuple[str, list[NewEvent]]]) -> dict[str, int]:
        return await self.store.create_streams_once(self.stream_type, streams, conn=self.conn)

    def _count(self, batch: _Write, created: dict[str, int]) -> None:
        result = self.result
        result.paid += len(created)
        result.already_paid += len(batch.streams) - len(created)
        if created:
            result.total_fen += sum(
                amount
                for (stream, _), amount in zip(batch.streams, batch.amounts, strict=True)
                if stream in created
            )


@dataclass(frozen=True, slots=True)
class _Write:
    """A batch being written: its streams, their amounts and the statement under way."""

    streams: list[tuple[str, list[NewEvent]]]
    amounts: list[int]
    task: asyncio.Future[dict[str, int]]


def _retrieved(task: asyncio.Future[dict[str, int]]) -> None:
    """A batch's error is raised by the next ``_send``; one left behind by a run that stopped
    (its own error, a cancellation) is not also reported as never retrieved."""
    if not task.cancelled():
        task.exception()


async def pay_once(
    store: EventStore,
    builder: EventBuilder,
    *,
    case: object,
    period: object,
    fact: DomainEvent,
    event_id: uuid.UUID,
    jurisdiction: str,
    stream_type: str = "payment",
    conn: Connection | None = None,
) -> bool:
    """One payment outside a run (a back payment): ``True`` if it was written now, ``False`` if the
    case was paid for the period already."""
    event = builder.one(fact, meta=builder.metadata(jurisdiction), at=builder.clock.now(), event_id=event_id)
    created = await store.create_streams_once(
        stream_type, [(payment_stream(case, period), [event])], conn=conn
    )
    return bool(created)


@asynccontextmanager
async def paying(store: EventStore, lock: int) -> AsyncIterator[None]:
    """Hold the advisory ``lock`` shared, on a connection of its own, while a run (or a back
    payment) decides and pays: runs go side by side, and a unit that ends cases
    (``hold_payments``) waits for them. A month is then either paid before the end is taken in
    (and recorded as overpaid), or decided after it (and not paid)."""
    async with store.pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock_shared($1)", lock)
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock_shared($1)", lock)


async def hold_payments(conn: Connection, lock: int) -> None:
    """In a unit that ends cases (a death): wait for the runs under way (``paying``), and hold
    new ones off until ``conn``'s transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock)


__all__ = [
    "BATCH",
    "MonthlyRun",
    "RunResult",
    "hold_payments",
    "pay_once",
    "paying",
    "payment_id",
    "payment_stream",
]
