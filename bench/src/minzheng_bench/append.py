"""Append throughput and the hash chain's cost, in one run, on one database.

Three shapes, each by three writers in the same rounds:

- ``seq``: one-event commands to new streams with an expected version, one after another (the
  shape of "household applied");
- ``16``: the same, 16 at a time;
- ``bulk``: a payment run's ``create_streams_once`` (``BULK_SIZE`` one-event streams a statement).

The writers: the store (``chained``), the same store without the hash chain (``unchained``,
``EventStore(hash_chain=False)``, kept only for this comparison) and raw asyncpg (``raw``: one
transaction per event, ``BEGIN; INSERT; COMMIT``, as shared/anchors/limits_bench.py; for bulk one
``INSERT … SELECT FROM unnest``). Wall time on a shared machine is noisy, so the three take turns
in many short rounds (after a warm-up; the order reversed every other round, ABBA, so that a
drift weighs on each alike; all write into the same tables) and the figure is the **median of
the per-round ratios** with its interquartile range and a bootstrap 95 % interval of the median.

Beside wall time, what the chain adds where it runs: the **PostgreSQL backend CPU per append**
(``/proc/<backend pid>/schedstat``, nanoseconds on CPU, of every connection of each writer's pool;
only one writer runs at a time) and this process's CPU per append (``time.process_time``).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import create_async_engine

from minzheng_eventstore import EventStore, NewEvent, install
from minzheng_eventstore.dsn import asyncpg_dsn, sqlalchemy_url

BODY = {"county": "330727", "members": 3, "income_fen": 30_000}
RAW_DDL = """
DROP TABLE IF EXISTS raw_events;
CREATE TABLE raw_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id uuid NOT NULL, version int NOT NULL,
  type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version))
"""
RAW_INSERT = "INSERT INTO raw_events (stream_id, version, type, data) VALUES ($1, 1, 'HouseholdApplied', $2)"
RAW_BULK = """INSERT INTO raw_events (stream_id, version, type, data)
SELECT u.s, 1, 'PaymentIssued', u.d FROM unnest($1::uuid[], $2::jsonb[]) AS u(s, d)"""
CONCURRENCY = 16
BULK_SIZE = 1000
WRITERS = ("raw", "unchained", "chained")


@dataclass(frozen=True)
class Rounds:
    """How much each writer does per round, and how many rounds (after ``warmup`` ones)."""

    rounds: int = 30
    warmup: int = 2
    seq: int = 100
    concurrent: int = 320
    bulk: int = 2


QUICK_ROUNDS = Rounds()
FULL_ROUNDS = Rounds(rounds=60, seq=200, concurrent=640, bulk=4)


@dataclass(frozen=True)
class Spread:
    """The median of per-round ratios, their interquartile range and a bootstrap 95 % interval
    of the median."""

    median: float
    q1: float
    q3: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        rng = random.Random(17)  # the same resamples every run
        medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(2000))
        return cls(statistics.median(values), q1, q3, medians[50], medians[1949])

    def text(self) -> str:
        return (
            f"{self.median:.1%} (IQR {self.q1:.1%}–{self.q3:.1%}, "
            f"95 % CI of median {self.low:.1%}–{self.high:.1%})"
        )


@dataclass
class Case:
    """One shape's figures: per writer its seconds, backend and client CPU of every round."""

    name: str
    unit: str
    items_per_round: int
    seconds: dict[str, list[float]] = field(default_factory=lambda: {w: [] for w in WRITERS})
    backend: dict[str, list[float]] = field(default_factory=lambda: {w: [] for w in WRITERS})
    client: dict[str, list[float]] = field(default_factory=lambda: {w: [] for w in WRITERS})

    def rate(self, writer: str) -> float:
        """Items per second over all its rounds."""
        return self.items_per_round * len(self.seconds[writer]) / sum(self.seconds[writer])

    def ratio(self, writer: str, reference: str) -> Spread:
        """``writer``'s throughput against ``reference``'s, round by round."""
        pairs = zip(self.seconds[writer], self.seconds[reference], strict=True)
        return Spread.of([ref / own for own, ref in pairs])

    def backend_us(self, writer: str) -> float:
        """PostgreSQL backend CPU per item, µs."""
        return sum(self.backend[writer]) / (self.items_per_round * len(self.backend[writer])) * 1e6

    def client_us(self, writer: str) -> float:
        """This process's CPU per item, µs."""
        return sum(self.client[writer]) / (self.items_per_round * len(self.client[writer])) * 1e6

    def backend_ratio(self) -> Spread:
        """Chained against unchained backend CPU, round by round (> 100 %: the chain's cost)."""
        pairs = zip(self.backend["chained"], self.backend["unchained"], strict=True)
        return Spread.of([own / ref for own, ref in pairs if ref > 0])


@dataclass(frozen=True)
class AppendFigures:
    """The three shapes, and the rates the other rows of the bench compare with."""

    seq: Case
    concurrent: Case
    bulk: Case
    rounds: Rounds

    @property
    def cases(self) -> tuple[Case, Case, Case]:
        return (self.seq, self.concurrent, self.bulk)

    @property
    def store_seq(self) -> float:
        return self.seq.rate("chained")

    @property
    def store_16(self) -> float:
        return self.concurrent.rate("chained")

    @property
    def raw_txn_seq(self) -> float:
        return self.seq.rate("raw")

    @property
    def raw_txn_16(self) -> float:
        return self.concurrent.rate("raw")


def _backend_cpu(pids: Sequence[int]) -> float:
    """Seconds on CPU of these PostgreSQL backends so far (``schedstat``: nanoseconds)."""
    total = 0
    for pid in pids:
        total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return total / 1e9


async def _pids(pool: asyncpg.Pool[asyncpg.Record]) -> list[int]:
    """The backend pid of every connection of ``pool`` (all ``CONCURRENCY`` held at once)."""
    conns = [await pool.acquire() for _ in range(CONCURRENCY)]
    try:
        return [conn.get_server_pid() for conn in conns]
    finally:
        for conn in conns:
            await pool.release(conn)


Work = Callable[[], Awaitable[None]]


async def _round(case: Case, writers: dict[str, tuple[Work, list[int]]], order: Sequence[str]) -> None:
    for name in order:
        work, pids = writers[name]
        backend, client, wall = _backend_cpu(pids), time.process_time(), time.perf_counter()
        await work()
        case.seconds[name].append(time.perf_counter() - wall)
        case.client[name].append(time.process_time() - client)
        case.backend[name].append(_backend_cpu(pids) - backend)


async def _rounds(
    case: Case, writers: dict[str, tuple[Work, list[int]]], rounds: Rounds, log: Callable[[str], None]
) -> Case:
    warm = Case(case.name, case.unit, case.items_per_round)
    for k in range(rounds.warmup):
        await _round(warm, writers, WRITERS if k % 2 == 0 else WRITERS[::-1])
    for k in range(rounds.rounds):
        await _round(case, writers, WRITERS if k % 2 == 0 else WRITERS[::-1])
    spread = case.ratio("chained", "unchained")
    log(f"hash chain, {case.name}: chained/unchained throughput, median of rounds {spread.median:.1%}")
    return case


async def measure_append(
    database_url: str, rounds: Rounds = QUICK_ROUNDS, log: Callable[[str], None] = lambda _: None
) -> AppendFigures:
    """The three shapes by the three writers, alternating, on ``database_url`` (an empty database)."""
    pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=CONCURRENCY, max_size=CONCURRENCY)
    async with pool.acquire() as conn:
        await conn.execute(RAW_DDL)
    engine = create_async_engine(sqlalchemy_url(database_url))
    await install(engine)
    await engine.dispose()
    store = await EventStore.connect(database_url, min_size=CONCURRENCY, max_size=CONCURRENCY)
    unchained = await EventStore.connect(
        database_url, min_size=CONCURRENCY, max_size=CONCURRENCY, hash_chain=False
    )
    try:
        pids = {
            "raw": await _pids(pool),
            "chained": await _pids(store.pool),
            "unchained": await _pids(unchained.pool),
        }
        body = json.dumps(BODY)
        now = datetime.now(UTC)

        async def raw_one() -> None:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(RAW_INSERT, uuid.uuid4(), body)

        def store_one(target: EventStore) -> Work:
            async def one() -> None:
                event = NewEvent(event_type="HouseholdApplied", data=BODY, occurred_at=now)
                await target.append(f"household-{uuid.uuid4()}", "household", 0, [event])

            return one

        def times(one: Work, n: int, workers: int) -> Work:
            async def worker() -> None:
                for _ in range(n // workers):
                    await one()

            async def run() -> None:
                await asyncio.gather(*(worker() for _ in range(workers)))

            return run

        async def raw_bulk() -> None:
            async with pool.acquire() as conn:
                for _ in range(rounds.bulk):
                    await conn.execute(RAW_BULK, [uuid.uuid4() for _ in range(BULK_SIZE)], [body] * BULK_SIZE)

        def store_bulk(target: EventStore) -> Work:
            async def run() -> None:
                for _ in range(rounds.bulk):
                    streams = [
                        (
                            f"payment-{uuid.uuid4()}",
                            [NewEvent(event_type="PaymentIssued", data=BODY, occurred_at=now)],
                        )
                        for _ in range(BULK_SIZE)
                    ]
                    await target.create_streams_once("payment", streams)

            return run

        def shape(workers: int, n: int) -> dict[str, tuple[Work, list[int]]]:
            return {
                "raw": (times(raw_one, n, workers), pids["raw"]),
                "unchained": (times(store_one(unchained), n, workers), pids["unchained"]),
                "chained": (times(store_one(store), n, workers), pids["chained"]),
            }

        seq = await _rounds(Case("sequential", "cmd/s", rounds.seq), shape(1, rounds.seq), rounds, log)
        concurrent = await _rounds(
            Case(f"{CONCURRENCY} concurrent", "cmd/s", rounds.concurrent // CONCURRENCY * CONCURRENCY),
            shape(CONCURRENCY, rounds.concurrent),
            rounds,
            log,
        )
        bulk_writers = {
            "raw": (raw_bulk, pids["raw"]),
            "unchained": (store_bulk(unchained), pids["unchained"]),
            "chained": (store_bulk(store), pids["chained"]),
        }
        bulk = await _rounds(
            Case(f"bulk create_streams_once ×{BULK_SIZE:,}", "ev/s", rounds.bulk * BULK_SIZE),
            bulk_writers,
            rounds,
            log,
        )
    finally:
        await unchained.close()
        await store.close()
        await pool.close()
    return AppendFigures(seq, concurrent, bulk, rounds)


def _range(spread: Spread, *, iqr: bool) -> str:
    low, high = (spread.q1, spread.q3) if iqr else (spread.low, spread.high)
    return f"{low:.1%} – {high:.1%}"


def render_chain(figures: AppendFigures, console: Console) -> None:
    """The hash chain's cost in detail: the table ``--only hash-chain`` prints above the rows."""
    r = figures.rounds
    table = Table(
        title=(
            f"hash chain: {r.rounds} alternating rounds (ABBA, after {r.warmup} warm-up) of "
            f"{r.seq} sequential / {r.concurrent} 16-concurrent appends / {r.bulk}×{BULK_SIZE:,} bulk"
        ),
        caption=(
            "Ratios of throughput: the median of the per-round ratios (target: chained ≥ 90 % of "
            "unchained). CPU per event: PostgreSQL backends' from /proc/<pid>/schedstat; client: "
            "this process's (time.process_time)."
        ),
    )
    table.add_column("per event", justify="left")
    for case in figures.cases:
        table.add_column(case.name, justify="right")
    cases = figures.cases
    lines: list[tuple[str, Callable[[Case], str]]] = [
        ("throughput, chained (the store)", lambda c: f"{c.rate('chained'):,.0f} {c.unit}"),
        ("throughput, unchained", lambda c: f"{c.rate('unchained'):,.0f} {c.unit}"),
        ("throughput, raw asyncpg", lambda c: f"{c.rate('raw'):,.0f} {c.unit}"),
        ("chained / unchained, median of rounds", lambda c: f"{c.ratio('chained', 'unchained').median:.1%}"),
        ("  interquartile range", lambda c: _range(c.ratio("chained", "unchained"), iqr=True)),
        ("  95 % interval of the median", lambda c: _range(c.ratio("chained", "unchained"), iqr=False)),
        ("chained / raw, median of rounds", lambda c: f"{c.ratio('chained', 'raw').median:.1%}"),
        ("  interquartile range", lambda c: _range(c.ratio("chained", "raw"), iqr=True)),
        ("unchained / raw, median of rounds", lambda c: f"{c.ratio('unchained', 'raw').median:.1%}"),
        ("PostgreSQL CPU, chained", lambda c: f"{c.backend_us('chained'):.1f} µs"),
        ("PostgreSQL CPU, unchained", lambda c: f"{c.backend_us('unchained'):.1f} µs"),
        ("PostgreSQL CPU, raw", lambda c: f"{c.backend_us('raw'):.1f} µs"),
        ("PG CPU chained / unchained, median of rounds", lambda c: f"{c.backend_ratio().median:.1%}"),
        ("  interquartile range", lambda c: _range(c.backend_ratio(), iqr=True)),
        ("client CPU, chained", lambda c: f"{c.client_us('chained'):.1f} µs"),
        ("client CPU, unchained", lambda c: f"{c.client_us('unchained'):.1f} µs"),
    ]
    for label, cell in lines:
        table.add_row(label, *(cell(c) for c in cases))
    console.print(table)
