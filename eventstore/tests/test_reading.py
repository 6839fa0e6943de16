"""Reading: as of a time or a checkpoint, upcasting on read, snapshots, the repository loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from minzheng_eventstore import (
    START,
    ConcurrencyError,
    EventStore,
    NewEvent,
    RecordedEvent,
    Repository,
    Snapshot,
    Upcasters,
)
from minzheng_eventstore.errors import DomainError

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def ev(kind: str, **data: Any) -> NewEvent:
    return NewEvent(event_type=kind, data=data, occurred_at=NOW)


async def test_as_of_a_checkpoint_and_a_time(store: EventStore) -> None:
    await store.append("household-1", "household", 0, [ev("Applied", members=3)])
    first = (await store.read_all())[-1].checkpoint
    async with store.pool.acquire() as conn:
        between = await conn.fetchval("SELECT clock_timestamp()")
    await asyncio.sleep(0.01)
    await store.append("household-1", "household", 1, [ev("Approved", amount_fen=52_800)])
    assert [e.event_type for e in await store.read_stream("household-1", as_of=first)] == ["Applied"]
    assert [e.event_type for e in await store.read_stream("household-1", as_of=between)] == ["Applied"]
    assert len(await store.read_stream("household-1")) == 2


async def test_upcaster_turns_old_versions_into_current(store: EventStore, upcasters: Upcasters) -> None:
    @upcasters.register("Applied", 1)
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        data["income_fen"] = data.pop("income_yuan") * 100
        return data

    @upcasters.register("Applied", 2)
    def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "category": "rural"}

    await store.append(
        "household-2",
        "household",
        0,
        [NewEvent(event_type="Applied", data={"income_yuan": 300}, occurred_at=NOW, schema_version=1)],
    )
    await store.append(
        "household-2",
        "household",
        1,
        [
            NewEvent(
                event_type="Applied",
                data={"income_fen": 100, "category": "urban"},
                occurred_at=NOW,
                schema_version=3,
            )
        ],
    )
    old, new = await store.read_stream("household-2")
    assert (old.schema_version, old.data) == (3, {"income_fen": 30_000, "category": "rural"})
    assert (new.schema_version, new.data) == (3, {"income_fen": 100, "category": "urban"})
    with pytest.raises(ValueError):
        upcasters.register("Applied", 1)(v1_to_v2)


@dataclass(frozen=True)
class Counter:
    total: int = 0
    events: int = 0


def evolve(state: Counter, event: RecordedEvent) -> Counter:
    return Counter(state.total + int(event.data["n"]), state.events + 1)


def counter_repo(store: EventStore, **kw: Any) -> Repository[Counter]:
    return Repository(
        store,
        "counter",
        initial=Counter,
        evolve=evolve,
        to_snapshot=lambda s: {"total": s.total, "events": s.events},
        from_snapshot=lambda d: Counter(d["total"], d["events"]),
        **kw,
    )


async def test_repository_decides_and_retries_on_concurrency(store: EventStore) -> None:
    repo = counter_repo(store, max_attempts=12)  # 10 rivals: each round has at least one winner
    await repo.create("counter-1", [ev("Added", n=1)])

    def add(n: int):  # type: ignore[no-untyped-def]
        def decide(state: Counter, version: int) -> list[NewEvent]:
            if state.total + n > 1000:
                raise DomainError("limit", "over the limit", field="n")
            return [ev("Added", n=n)]

        return decide

    await asyncio.gather(*(repo.handle("counter-1", add(1)) for _ in range(10)))
    loaded = await repo.load("counter-1")
    assert (loaded.state.total, loaded.version) == (11, 11)
    with pytest.raises(DomainError):
        await repo.handle("counter-1", add(5000))
    assert (await repo.load("counter-1")).version == 11
    assert await repo.handle("counter-1", lambda s, v: []) is None


async def test_repository_gives_up_after_max_attempts(store: EventStore) -> None:
    repo = counter_repo(store, max_attempts=2)
    await repo.create("counter-2", [ev("Added", n=1)])

    def always_stale(state: Counter, version: int) -> list[NewEvent]:
        return [ev("Added", n=1)]

    # a rival moves the stream between every load and append
    original_load = repo.load

    async def load_then_rival(*a: Any, **k: Any):  # type: ignore[no-untyped-def]
        loaded = await original_load(*a, **k)
        await store.append("counter-2", "counter", loaded.version, [ev("Added", n=100)])
        return loaded

    repo.load = load_then_rival  # type: ignore[method-assign]
    with pytest.raises(ConcurrencyError):
        await repo.handle("counter-2", always_stale)


async def test_snapshots_load_long_streams_from_the_last_fold(store: EventStore) -> None:
    repo = counter_repo(store, snapshot_every=50)
    await repo.create("counter-3", [ev("Added", n=1) for _ in range(120)])
    assert (await repo.load("counter-3")).state == Counter(120, 120)
    snap = await store.load_snapshot("counter-3")
    assert snap is not None and snap.version == 120 and snap.state == {"total": 120, "events": 120}
    await store.append("counter-3", "counter", 120, [ev("Added", n=5)])
    loaded = await repo.load("counter-3")
    assert (loaded.state.total, loaded.version) == (125, 121)
    # an older snapshot never replaces a newer one
    await store.save_snapshot(Snapshot("counter-3", 10, {"total": 0, "events": 0}))
    assert (await store.load_snapshot("counter-3")).version == 120  # type: ignore[union-attr]
    # "as of" reads fold events only
    first = (await store.read_all(limit=1))[0].checkpoint
    assert (await repo.load("counter-3", as_of=first)).state == Counter(1, 1)


@pytest.mark.parametrize("query", ["_READ_ALL", "_READ_ALL_TYPES", "_HEAD"])
async def test_the_global_order_is_read_from_its_index(store: EventStore, query: str) -> None:
    """A tail read must walk ``events_global_order_idx``, never sort the table: ordering by the
    output column ``tx`` (``tx::text::bigint``) instead of ``events.tx`` made every batch O(n)."""
    from minzheng_eventstore import store as store_module

    for n in range(5):
        await store.append(f"order-{n}", "order", 0, [ev("Happened", n=n)])
    sql = getattr(store_module, query)
    sql = sql.replace("$1", "'0'").replace("$2", "0").replace("$3", "100").replace("$4", "ARRAY['order']")
    async with store.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_sort = off")  # a sort is then only there if it must be
        await conn.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in await conn.fetch("EXPLAIN " + sql))
    assert "events_global_order_idx" in plan
    assert "Sort" not in plan, plan


async def test_a_page_of_a_rare_stream_type_moves_past_the_rows_it_skips(store: EventStore) -> None:
    for n in range(30):
        await store.append(f"household-{n}", "household", 0, [ev("Applied", n=n)])
    await store.append("payment-1", "payment", 0, [ev("PaymentIssued", n=1)])
    for n in range(30, 45):
        await store.append(f"household-{n}", "household", 0, [ev("Applied", n=n)])

    pages: list[int] = []
    found: list[str] = []
    after = START
    while (page := await store.read_page(after, limit=10, stream_types=["payment"])).scanned:
        assert page.scanned <= 10 and page.end > after  # never more than the limit, always onwards
        pages.append(page.scanned)
        found += [e.stream_id for e in page.events]
        after = page.end
    assert found == ["payment-1"]
    assert pages == [10, 10, 10, 10, 6]  # 46 rows read once each, never again
    assert after == await store.head()
    # unfiltered, a page is read_all's batch
    whole = await store.read_page(limit=100)
    assert whole.scanned == 46 and whole.end == whole.events[-1].checkpoint == await store.head()
