"""The two services of the latency benchmark, each in a process of its own (as deployed).

``python -m minzheng_bench.latency_services commands DATABASE_URL NATS_URL SUBJECT PORT``: service
A, an HTTP command ``POST /commands/{id}`` that appends one event, and its outbox relay publishing
it on SUBJECT. ``python -m minzheng_bench.latency_services reader DATABASE_URL NATS_URL SUBJECT``:
service B, a durable consumer writing each event's id into its read model (``seen``). Each prints
``ready`` when it serves, and stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import uuid
from datetime import UTC, datetime

from fastapi import APIRouter

from minzheng_eventstore import Incoming, NewEvent, OutgoingMessage, RecordedEvent
from minzheng_eventstore.host import Migration, ServiceHost, ServiceSettings
from minzheng_eventstore.store import Connection

READ_MODEL = Migration("0001_seen", "CREATE TABLE seen (n bigserial PRIMARY KEY, event_id uuid UNIQUE)")


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()


async def commands(database_url: str, nats_url: str, subject: str, port: int) -> None:
    import uvicorn

    def publication(event: RecordedEvent) -> OutgoingMessage | None:
        return OutgoingMessage(subject, json.dumps({"event_id": str(event.event_id)}).encode())

    host = ServiceHost(ServiceSettings("bencha", database_url, nats_url), publication=publication)
    router = APIRouter()

    @router.post("/commands/{cid}")
    async def command(cid: uuid.UUID) -> dict[str, str]:
        await host.store.append(
            f"cmd-{cid}",
            "cmd",
            0,
            [NewEvent(event_id=cid, event_type="Applied", data={}, occurred_at=datetime.now(UTC))],
        )
        return {"id": str(cid)}

    app = host.fastapi(title="bench commands", routers=[router])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for it
        await asyncio.sleep(0.01)
    await _until_stopped()
    server.should_exit = True
    await serving


async def reader(database_url: str, nats_url: str, subject: str) -> None:
    async def handle(msg: Incoming, conn: Connection) -> None:
        await conn.execute("INSERT INTO seen (event_id) VALUES ($1)", msg.event_id)

    settings = ServiceSettings("benchb", database_url, nats_url)
    host = ServiceHost(settings, publication=None, migrations=[READ_MODEL])
    host.add_consumer(
        purpose=f"latency{uuid.uuid4().hex[:6]}",
        version=1,
        stream="ASSISTANCE",
        subject=subject,
        handler=handle,
        batch_size=50,
    )
    async with host.running():
        await _until_stopped()


if __name__ == "__main__":
    role, database, nats_server, subject_name, *rest = sys.argv[1:]
    if role == "commands":
        asyncio.run(commands(database, nats_server, subject_name, int(rest[0])))
    else:
        asyncio.run(reader(database, nats_server, subject_name))
