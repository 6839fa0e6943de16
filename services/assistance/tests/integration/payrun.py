"""Runs one payment run in its own process (the test kills it with SIGKILL halfway).

python payrun.py DATABASE_URL NATS_URL PERIOD BATCH
"""

from __future__ import annotations

import asyncio
import sys

from minzheng_assistance.application.payments import run_payments
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.host import ServiceSettings


async def main(url: str, nats_url: str, period: str, batch: int) -> None:
    service = Assistance(ServiceSettings("assistance", url, nats_url))
    async with service.host.running(migrate=False, consume=False, relay=False, project=False):
        print("running", flush=True)
        result = await run_payments(service.context(), Actor("payrun"), Period.parse(period), batch=batch)
        print(f"done {result.paid}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
