"""Durable consumers: a redelivered message has no second effect; poison goes to the dead letter."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from faststream.nats import NatsBroker

from minzheng_eventstore import DurableConsumer, EventStore, Incoming, PermanentError
from minzheng_eventstore.store import Connection

PROCS = Path(__file__).with_name("procs.py")


async def publish(nats_admin, subject: str, n: int, **extra: object) -> list[str]:  # type: ignore[no-untyped-def]
    js = nats_admin.jetstream()
    ids = []
    for i in range(n):
        event_id = str(uuid.uuid4())
        body = json.dumps({"event_id": event_id, "n": i, **extra}).encode()
        await js.publish(subject, body, headers={"Nats-Msg-Id": event_id})
        ids.append(event_id)
    return ids


async def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


async def effects(store: EventStore) -> list[str]:
    async with store.pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS effects"
            " (event_id uuid NOT NULL, applied_at timestamptz DEFAULT now())"
        )
        return [str(r["event_id"]) for r in await conn.fetch("SELECT event_id FROM effects")]


async def test_effects_and_inbox_commit_together_so_redelivery_has_no_second_effect(
    database: str,
    store: EventStore,
    stack,
    nats_admin,
    test_stream,  # type: ignore[no-untyped-def]
) -> None:
    stream, prefix = test_stream
    ids = await publish(nats_admin, f"{prefix}.household.applied", 60)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, str(PROCS), "consumer", database, stack.nats_admin_url, stream, f"{prefix}.>"]
    # 1st run dies (as kill -9 would) right after committing its first batch, before any ack
    crashed = subprocess.run([*args, "--crash-after-commit"], env=env, capture_output=True, timeout=60)
    assert crashed.returncode == 137
    assert 0 < len(await effects(store)) <= 20
    # 2nd run: the unacked batch comes back after ack_wait; the inbox drops it
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"

        async def all_done() -> bool:
            info = await nats_admin.jetstream().consumer_info(stream, "test-effects-v1")
            return len(await effects(store)) >= 60 and info.num_ack_pending == 0 and info.num_pending == 0

        await wait_for(all_done)
        await asyncio.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(10)
    got = await effects(store)
    assert sorted(got) == sorted(ids), "each message has exactly one effect"
    async with store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'test-effects-v1'") == 60


async def test_poison_message_goes_to_dead_letter_and_consumer_goes_on(
    store: EventStore,
    stack,
    nats_admin,
    test_stream,  # type: ignore[no-untyped-def]
) -> None:
    stream, prefix = test_stream
    fixed = False

    async def handle(msg: Incoming, conn: Connection) -> None:
        body = msg.json()
        if body.get("poison") and not fixed:
            raise RuntimeError("cannot handle this household yet")
        if body.get("malformed"):
            raise PermanentError("not a contract")
        await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", msg.event_id)

    await effects(store)  # creates the table
    consumer = DurableConsumer(
        store,
        service="test",
        purpose="poison",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=handle,
        max_deliver=3,
        backoff=(0.1, 0.2),
        batch_size=10,
        ack_wait=5,
    )
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    consumer.register(broker)
    await broker.start()
    try:
        before = await publish(nats_admin, f"{prefix}.a", 5)
        poison = await publish(nats_admin, f"{prefix}.a", 1, poison=True)
        malformed = await publish(nats_admin, f"{prefix}.a", 1, malformed=True)
        after = await publish(nats_admin, f"{prefix}.a", 5)

        async def settled() -> bool:
            return len(await effects(store)) == 10 and await consumer.open_dead_letters() == 2

        await wait_for(settled)
    finally:
        await broker.stop()

    assert sorted(await effects(store)) == sorted(before + after)
    async with store.pool.acquire() as conn:
        rows = await conn.fetch("SELECT event_id, deliveries, error FROM dead_letters ORDER BY id")
    by_id = {str(r["event_id"]): r for r in rows}
    assert by_id[poison[0]]["deliveries"] == 3 and "cannot handle" in by_id[poison[0]]["error"]
    assert by_id[malformed[0]]["deliveries"] == 1 and "PermanentError" in by_id[malformed[0]]["error"]
    # the dead letters are on the DEADLETTER stream too, with the error
    js = nats_admin.jetstream()
    sub = await js.pull_subscribe("deadletter.test.test-poison-v1", stream="DEADLETTER")
    dead = await sub.fetch(2, timeout=5)
    assert {m.headers["Mz-Original-Subject"] for m in dead} == {f"{prefix}.a"}
    assert any("cannot handle" in m.headers["Mz-Error"] for m in dead)
    # after the fix, a redrive applies the poison message once; the malformed one stays dead
    fixed = True
    assert await consumer.redrive() == (1, 1)
    assert await consumer.redrive() == (0, 1)
    assert sorted(await effects(store)) == sorted(before + poison + after)


async def test_batch_handler_sees_each_message_once_even_when_repeated(
    store: EventStore,
    stack,
    nats_admin,
    test_stream,  # type: ignore[no-untyped-def]
) -> None:
    stream, prefix = test_stream
    js = nats_admin.jetstream()
    ids = [str(uuid.uuid4()) for _ in range(20)]
    for event_id in [*ids, *ids[:10]]:  # no Nats-Msg-Id: JetStream keeps the repeats, the inbox must not
        await js.publish(f"{prefix}.a", json.dumps({"event_id": event_id}).encode())
    await effects(store)
    batches: list[int] = []

    async def handle_many(items: list[Incoming], conn: Connection) -> None:
        batches.append(len(items))
        await conn.executemany("INSERT INTO effects (event_id) VALUES ($1)", [(i.event_id,) for i in items])

    async def handle_one(msg: Incoming, conn: Connection) -> None:
        raise AssertionError("the batch handler is used")

    consumer = DurableConsumer(
        store,
        service="test",
        purpose="batch",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=handle_one,
        batch_handler=handle_many,
        batch_size=50,
    )
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    consumer.register(broker)
    await broker.start()
    try:

        async def settled() -> bool:
            info = await js.consumer_info(stream, "test-batch-v1")
            return info.num_pending == 0 and info.num_ack_pending == 0 and len(await effects(store)) >= 20

        await wait_for(settled)
    finally:
        await broker.stop()
    assert sorted(await effects(store)) == sorted(ids)
    assert consumer.applied == 20 and consumer.duplicates == 10


async def test_a_backlog_is_taken_in_batches_of_what_is_ready_without_waiting_for_a_full_one(
    store: EventStore,
    stack,
    nats_admin,
    test_stream,  # type: ignore[no-untyped-def]
) -> None:
    stream, prefix = test_stream
    ids = await publish(nats_admin, f"{prefix}.household.applied", 250)
    batches: list[int] = []

    async def handle(item: Incoming, conn: Connection) -> None:
        batches.append(1)

    async def handle_many(items: list[Incoming], conn: Connection) -> None:
        batches.append(len(items))

    consumer = DurableConsumer(
        store,
        service="test",
        purpose="prompt",
        version=1,
        stream=stream,
        subject=f"{prefix}.>",
        handler=handle,
        batch_handler=handle_many,
        batch_size=100,
        fetch_timeout=8.0,  # a lone message may wait this long for company; a backlog never does
        idle_wait=30.0,
    )
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    consumer.register(broker)
    await broker.start()
    started = asyncio.get_running_loop().time()
    try:

        async def all_taken() -> bool:
            return sum(batches) >= len(ids)

        await wait_for(all_taken, timeout=20)
        took = asyncio.get_running_loop().time() - started
    finally:
        await broker.stop()
    # faststream's own loop waited out the window for the last, partial batch (250 = 100 + 100 + 50)
    assert took < 6.0, f"the last partial batch waited for a full one ({took:.1f} s)"
    assert max(batches) <= 100 and sum(batches) == 250
