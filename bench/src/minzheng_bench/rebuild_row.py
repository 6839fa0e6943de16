"""Just the ``projection rebuild`` row of ``python -m minzheng_bench``, RUNS times on one stack:
``python -m minzheng_bench.rebuild_row [EVENTS] [RUNS]`` prints each run's events/s and the median
(the store is filled once; each run drops the read model and folds every event again)."""

from __future__ import annotations

import asyncio
import statistics
import sys

from minzheng_eventstore import EventStore
from minzheng_infra.stack import EmbeddedStack

from . import platform
from .__main__ import _database


async def main(n: int, runs: int) -> list[float]:
    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    try:
        url = await _database(stack, "rebuild")
        store = await EventStore.connect(url)
        try:
            await platform.fill_for_rebuild(store, n)
            rates = []
            for _ in range(runs):
                rates.append(await platform.rebuild_filled(store))
                print(f"rebuild {n:,} events: {rates[-1]:,.0f} ev/s", flush=True)
        finally:
            await store.close()
    finally:
        stack.stop()
    print(f"median of {runs}: {statistics.median(rates):,.0f} ev/s")
    return rates


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(args[0] if args else 200_000, args[1] if len(args) > 1 else 3))
