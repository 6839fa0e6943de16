"""``state --as-of`` for one household with 200 events (issue 17): the auditor's read of a stream at
a moment, both sides (known then, known now about then), folded with the stream's aggregate and
put in its JSON form, as ``GET /audit/state`` answers it (less the HTTP). Target p99 < 20 ms.

The household's stream is written as it grows: 40 commands of 5 events, each in its own
transaction, and one in eight events a late fact (recorded after events that occurred later), so
that the two sides differ. Each read takes a random moment: a time or a position of the stream.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_eventstore import EventMetadata, EventStore, NewEvent
from minzheng_eventstore.asof import state_as_of
from minzheng_eventstore.uow import Aggregate
from minzheng_kernel.events import DomainEvent, EventTypes

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import Row

EVENTS = 200
READS = 1000


@dataclass(frozen=True, slots=True)
class MemberChanged(DomainEvent):
    members: int


@dataclass(frozen=True, slots=True)
class IncomeReported(DomainEvent):
    month: str
    income_fen: int


@dataclass(frozen=True, slots=True)
class Household:
    members: int = 0
    incomes: tuple[tuple[str, int], ...] = ()


def evolve(state: Household, event: DomainEvent) -> Household:
    if isinstance(event, MemberChanged):
        return Household(event.members, state.incomes)
    if isinstance(event, IncomeReported):
        return Household(state.members, (*state.incomes, (event.month, event.income_fen)))
    return state


HOUSEHOLD = Aggregate("household", EventTypes(MemberChanged, IncomeReported), Household, evolve)


def _event(n: int) -> NewEvent:
    late = n % 8 == 7
    # the bench's own wall clock (not a domain's): facts occur as they are recorded, a late one an
    # hour before, so it lands before events recorded earlier
    occurred = datetime.now(UTC) - timedelta(hours=1 if late else 0)
    fact: dict[str, Any] = (
        {"members": 2 + n % 4} if n % 5 == 0 else {"month": f"2024-{1 + n % 12:02d}", "income_fen": 100 * n}
    )
    return NewEvent(
        event_type="MemberChanged" if n % 5 == 0 else "IncomeReported",
        data=fact,
        occurred_at=occurred,
        metadata=EventMetadata(actor="bench", jurisdiction="330727"),
    )


async def measure(store: EventStore, events: int = EVENTS, reads: int = READS) -> dict[str, float]:
    stream = "household-bench-asof"
    for start in range(0, events, 5):
        await store.append(stream, "household", start, [_event(n) for n in range(start, start + 5)])
    written = await store.read_stream(stream)
    rng = random.Random(17)
    moments: list[Any] = [
        rng.choice(written).recorded_at if i % 2 else rng.choice(written).checkpoint for i in range(reads)
    ]
    aggregates = {"household": HOUSEHOLD}
    for moment in moments[:20]:  # warm the connection and the statement cache
        (await state_as_of(store, stream, moment, aggregates)).as_json()
    timings, late = [], 0
    for moment in moments:
        t = time.perf_counter()
        answer = (await state_as_of(store, stream, moment, aggregates)).as_json()
        timings.append((time.perf_counter() - t) * 1000)
        late += len(answer["late"])
    timings.sort()
    return {
        "events": float(len(written)),
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "late_per_read": late / len(moments),
    }


async def rows(stack: EmbeddedStack, console: Console) -> list[Row]:
    from .__main__ import Row, _database

    console.log(f"audit: state --as-of, one household of {EVENTS} events, {READS} reads")
    store = await EventStore.connect(await _database(stack, "asof"))
    try:
        found = await measure(store)
    finally:
        await store.close()
    console.log(f"state --as-of: {found['late_per_read']:.1f} late facts a read on average")
    label = f"state --as-of, household of {int(found['events'])} events"
    return [
        Row(f"{label}, p50", found["p50_ms"], "ms"),
        Row(f"{label}, p99", found["p99_ms"], "ms", target="p99 < 20 ms"),
    ]


async def _main() -> None:
    import shutil

    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import render

    console = Console()
    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    try:
        found = await rows(stack, console)
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)
    render(found, console, "audit: state --as-of")


if __name__ == "__main__":
    # python -m minzheng_bench.asof: the as-of rows alone, on their own stack
    asyncio.run(_main())
