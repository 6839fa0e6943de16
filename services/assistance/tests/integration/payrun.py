"""Runs one payment run in its own process (the test kills it with SIGKILL halfway).

python payrun.py DATABASE_URL PERIOD BATCH
"""

from __future__ import annotations

import asyncio
import sys

from minzheng_assistance.application.handlers import Actor, Context
from minzheng_assistance.application.payments import run_payments
from minzheng_contracts import Period
from minzheng_eventstore import EventStore
from minzheng_eventstore.clock import SystemClock


async def main(url: str, period: str, batch: int) -> None:
    store = await EventStore.connect(url)
    print("running", flush=True)
    result = await run_payments(
        Context(store, SystemClock(), "330727"), Actor("payrun"), Period.parse(period), batch=batch
    )
    print(f"done {result.paid}", flush=True)
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
