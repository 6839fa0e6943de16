"""The global order can be tailed without ever skipping an event (Marten#3321).

16 writers append 20,000 events concurrently, in transactions of varying size and length,
while a reader tails ``read_all`` from its last checkpoint. The reader must see every event
exactly once, and each stream's events in version order.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

from minzheng_eventstore import START, Checkpoint, EventStore, NewEvent, RecordedEvent

NOW = datetime(2026, 3, 1, tzinfo=UTC)
WRITERS = 16
TOTAL = 20_000


async def _writer(store: EventStore, index: int, quota: int, rng: random.Random) -> list[str]:
    written: list[str] = []
    version: dict[str, int] = {}
    while len(written) < quota:
        stream = f"s{index}-{rng.randrange(50)}"
        size = min(rng.choice((1, 1, 1, 2, 5)), quota - len(written))
        batch = [NewEvent(event_type="Tick", data={"w": index}, occurred_at=NOW) for _ in range(size)]
        if rng.random() < 0.15:
            # a longer transaction that holds its xid while others commit around it
            async with store.pool.acquire() as conn, conn.transaction():
                await store.append(stream, "tick", version.get(stream, 0), batch, conn=conn)
                await asyncio.sleep(rng.random() * 0.01)
        else:
            await store.append(stream, "tick", version.get(stream, 0), batch)
        version[stream] = version.get(stream, 0) + size
        written.extend(str(e.event_id) for e in batch)
    return written


async def test_tailing_reader_sees_every_event_exactly_once(store: EventStore) -> None:
    rng = random.Random(20261123)
    seen: list[RecordedEvent] = []
    done = asyncio.Event()

    async def tail() -> None:
        checkpoint: Checkpoint = START
        while True:
            finished = done.is_set()
            batch = await store.read_all(checkpoint, limit=rng.choice((7, 100, 1000)))
            if batch:
                seen.extend(batch)
                checkpoint = batch[-1].checkpoint
            elif finished:
                return
            else:
                await asyncio.sleep(0)

    reader = asyncio.create_task(tail())
    quotas = [TOTAL // WRITERS] * WRITERS
    written_lists = await asyncio.gather(
        *(_writer(store, i, q, random.Random(rng.random())) for i, q in enumerate(quotas))
    )
    done.set()
    await reader

    written = {eid for lst in written_lists for eid in lst}
    seen_ids = [str(e.event_id) for e in seen]
    assert len(written) == TOTAL
    assert len(seen_ids) == len(set(seen_ids)), "an event was read twice"
    assert set(seen_ids) == written, f"{len(written - set(seen_ids))} events were skipped"
    # the global order is consistent with each stream's order
    last_version: dict[str, int] = {}
    for event in seen:
        assert event.version == last_version.get(event.stream_id, 0) + 1
        last_version[event.stream_id] = event.version
    checkpoints = [e.checkpoint for e in seen]
    assert checkpoints == sorted(checkpoints)
    assert await store.head() == checkpoints[-1]
