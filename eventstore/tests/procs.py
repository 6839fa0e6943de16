"""Processes the reliability tests start and kill -9: a relay and a consumer.

    python procs.py relay DATABASE_URL NATS_URL SUBJECT_PREFIX
    python procs.py consumer DATABASE_URL NATS_URL STREAM SUBJECT [--crash-after-commit]

The consumer's handler records each message's effect in ``effects`` (the read model). With
``--crash-after-commit`` the process dies (``os._exit``, as kill -9 would) right after its first
transaction commits and before any ack: the messages must come back and have no second effect.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from faststream.nats import NatsBroker
from nats.aio.msg import Msg

from minzheng_eventstore import EventStore, OutboxRelay, raw_event_publication
from minzheng_eventstore.consumer import DurableConsumer, Incoming
from minzheng_eventstore.store import Connection


async def relay(database_url: str, nats_url: str, prefix: str) -> None:
    import nats

    store = await EventStore.connect(database_url)
    nc = await nats.connect(nats_url)
    r = OutboxRelay(
        store, nc.jetstream(), name="test-relay", publication=raw_event_publication(prefix), batch_size=50
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await r.run(stop)


async def consumer(database_url: str, nats_url: str, stream: str, subject: str, crash: bool) -> None:
    store = await EventStore.connect(database_url)
    async with store.pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS effects"
            " (event_id uuid NOT NULL, applied_at timestamptz DEFAULT now())"
        )

    async def handle(msg: Incoming, conn: Connection) -> None:
        await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", msg.event_id)

    if crash:

        def die(self: Msg) -> None:
            os._exit(137)

        Msg.ack = die  # type: ignore[method-assign,assignment]

    broker = NatsBroker(nats_url, logger=None)
    c = DurableConsumer(
        store,
        service="test",
        purpose="effects",
        version=1,
        stream=stream,
        subject=subject,
        handler=handle,
        batch_size=20,
        ack_wait=2.0,
        max_deliver=20,
        backoff=(0.2,),
    )
    c.register(broker)
    await broker.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await broker.stop()


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "relay":
        asyncio.run(relay(*args))
    else:
        asyncio.run(consumer(args[0], args[1], args[2], args[3], "--crash-after-commit" in args))
