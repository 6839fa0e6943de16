"""Another service's consumer of ``PaymentIssued``, in a process of its own (payment-run benchmark).

``python -m minzheng_bench.payment_consumer DATABASE_URL NATS_URL COUNT NAME [STREAM SUBJECT]``
(default ``ASSISTANCE assistance.payment.issued``): keeps a read model
of the payments it saw (one row per payment, written with the inbox in one transaction), prints
``ready`` once subscribed, and ``seen <unix time>`` when COUNT payments are in its read model.
"""

from __future__ import annotations

import asyncio
import sys
import time

from faststream.nats import NatsBroker

from minzheng_eventstore import DurableConsumer, EventStore, Incoming
from minzheng_eventstore.store import Connection

READ_MODEL = """
CREATE TABLE IF NOT EXISTS payments_seen (
    payment_id uuid PRIMARY KEY, household_id uuid, period text NOT NULL, amount_fen bigint NOT NULL
)
"""
INSERT = "INSERT INTO payments_seen VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"


def _row(item: Incoming) -> tuple[str, str | None, str, int]:
    data = item.json()["data"]
    return data["payment_id"], data["household_id"], data["period"], data["amount_fen"]


async def main(
    database_url: str,
    nats_url: str,
    count: int,
    name: str,
    stream: str = "ASSISTANCE",
    subject: str = "assistance.payment.issued",
) -> None:
    store = await EventStore.connect(database_url)
    async with store.pool.acquire() as conn:
        await conn.execute(READ_MODEL)
    seen = 0
    reached = asyncio.Event()

    async def handle(item: Incoming, conn: Connection) -> None:
        await handle_many([item], conn)

    async def handle_many(items: list[Incoming], conn: Connection) -> None:
        nonlocal seen
        await conn.executemany(INSERT, [_row(i) for i in items])
        seen += len(items)  # the inbox passed only new ones: each payment counts once
        if seen >= count:
            reached.set()

    consumer = DurableConsumer(
        store,
        service="bench",
        purpose=name,
        version=1,
        stream=stream,
        subject=subject,
        handler=handle,
        batch_handler=handle_many,
        batch_size=1000,
    )
    broker = NatsBroker(nats_url, logger=None)
    consumer.register(broker)
    await broker.start()
    print("ready", flush=True)
    await reached.wait()  # counted inside the transactions: wait for the last one to commit
    async with store.pool.acquire() as conn:
        while await conn.fetchval("SELECT count(*) FROM payments_seen") < count:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
    print(f"seen {time.time()}", flush=True)
    await broker.stop()
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:7]))
