"""The processes of the fault-injection suite, each killed with SIGKILL by the tests.

python flow.py produce DATABASE_URL NATS_URL COUNT RUN  # assistance service: apply COUNT households
                                                        # (ids from RUN and n: a restart re-sends them)
python flow.py consume DATABASE_URL NATS_URL RUN        # another service: project HouseholdApplied
"""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from datetime import date, timedelta

from faststream.nats import NatsBroker
from nats.js.api import DeliverPolicy

from minzheng_assistance.application import handlers as h
from minzheng_assistance.domain.household import Member
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import HouseholdApplied, make_resident_id, parse_integration_event
from minzheng_eventstore import DurableConsumer, EventStore, Incoming, install
from minzheng_eventstore.dsn import sqlalchemy_url
from minzheng_eventstore.errors import DomainError
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.store import Connection

NS = uuid.UUID("4f1b2c3d-0000-4000-8000-00000000fa17")
VILLAGE = "330727101201"


def household(run: str, n: int) -> uuid.UUID:
    return uuid.uuid5(NS, f"{run}/{n}")


async def produce(database_url: str, nats_url: str, count: int, run: str) -> None:
    service = Assistance(ServiceSettings("assistance", database_url, nats_url))
    async with service.host.running(consume=False):
        ctx = service.context()
        actor = h.Actor("faults")
        print("ready", flush=True)
        n = 0
        while n < count:
            # one person per household: a person already in an open case is refused (as it must
            # be), so the ids must not repeat within a run (they did after 1,680 households)
            birth = date(1930, 1, 1) + timedelta(days=n)
            person = make_resident_id("330727", birth, int(run, 16) % 1000).reveal()
            member = Member(person, "self", 10_000, "unemployed")
            try:
                await h.apply_household(
                    ctx,
                    actor,
                    household_id=household(run, n),
                    programme="dibao_rural",
                    residence=VILLAGE,
                    members=[member],
                    official_relative=False,
                )
            except DomainError:
                raise  # a refusal is an answer, not an outage: sending it again cannot help
            except Exception as exc:  # the store or the broker was away: the client sends it again
                print(f"retry {n}: {type(exc).__name__}", flush=True)
                await asyncio.sleep(0.2)
                continue
            print(f"applied {n}", flush=True)
            n += 1
        relay = service.host.relay
        assert relay is not None
        assert await relay.drain(within=120)  # every committed application is on the stream
        print("done", flush=True)


async def consume(database_url: str, nats_url: str, run: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(sqlalchemy_url(database_url))
    await install(engine)
    await engine.dispose()
    store = await EventStore.connect(database_url)
    async with store.pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS applied_seen (household_id uuid NOT NULL)")

    async def handle(msg: Incoming, conn: Connection) -> None:
        event = parse_integration_event(msg.data)
        if isinstance(event, HouseholdApplied):
            await conn.execute("INSERT INTO applied_seen (household_id) VALUES ($1)", event.data.household_id)

    broker = NatsBroker(nats_url, logger=None, max_reconnect_attempts=-1, reconnect_time_wait=1)
    consumer = DurableConsumer(
        store,
        service="faults",
        purpose=f"applied{run}",
        version=1,
        stream="ASSISTANCE",
        subject="assistance.household.applied",
        handler=handle,
        ack_wait=5.0,
        deliver_policy=DeliverPolicy.NEW,  # this run's messages only: the stream is shared by the session
        max_deliver=3,
        backoff=(0.2, 0.5),
    )
    consumer.register(broker)
    await broker.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await broker.stop()


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "produce":
        asyncio.run(produce(args[0], args[1], int(args[2]), args[3]))
    else:
        asyncio.run(consume(args[0], args[1], args[2]))
