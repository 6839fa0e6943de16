"""Outbox relay: every event reaches JetStream once, even when the relay is killed -9 anywhere."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.js.api import ConsumerConfig

from minzheng_eventstore import EventStore, NewEvent, OutboxRelay, raw_event_publication
from minzheng_eventstore.relay import RelayPublishError

NOW = datetime(2026, 3, 1, tzinfo=UTC)
PROCS = Path(__file__).with_name("procs.py")


async def stream_contents(nats_admin, stream: str, subject: str) -> list[dict]:  # type: ignore[no-untyped-def]
    js = nats_admin.jetstream()
    info = await js.stream_info(stream)
    if info.state.messages == 0:
        return []
    sub = await js.pull_subscribe(subject, stream=stream, config=ConsumerConfig(ack_policy="none"))
    out: list[dict] = []
    while len(out) < info.state.messages:
        for msg in await sub.fetch(500, timeout=5):
            out.append({"id": msg.headers["Nats-Msg-Id"], **json.loads(msg.data)})
    await sub.unsubscribe()
    return out


async def append_many(store: EventStore, streams: int, per_stream: int) -> list[str]:
    ids: list[str] = []
    for v in range(per_stream):
        for s in range(streams):
            e = NewEvent(
                event_type="Applied" if v == 0 else "Changed", data={"s": s, "v": v}, occurred_at=NOW
            )
            await store.append(f"household-{s}", "household", v, [e])
            ids.append(str(e.event_id))
    return ids


async def test_relay_publishes_each_event_with_its_id(store: EventStore, nats_admin, test_stream) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    ids = await append_many(store, 5, 4)
    relay = OutboxRelay(
        store, nats_admin.jetstream(), name="r1", publication=raw_event_publication(prefix), batch_size=7
    )
    moved = 0
    while step := await relay.run_once():
        moved += step
    assert moved == 20
    got = await stream_contents(nats_admin, stream, f"{prefix}.>")
    assert [g["id"] for g in got] == ids  # published in the store's order, id = event id
    assert all(g["event_id"] == g["id"] for g in got)
    assert await relay.checkpoint() == (await store.read_all(limit=100))[-1].checkpoint
    # a second relay with the same name resumes from the checkpoint: nothing more to send
    again = OutboxRelay(store, nats_admin.jetstream(), name="r1", publication=raw_event_publication(prefix))
    assert await again.run_once() == 0


async def test_relay_survives_kill_9_at_random_points(database: str, stack, nats_admin, test_stream) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    store = await EventStore.connect(database)
    rng = random.Random(7)
    writer = asyncio.create_task(append_many(store, 40, 25))  # 1,000 events while the relay is killed
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    kills = 0
    try:
        while not writer.done() or kills < 3:
            proc = subprocess.Popen(
                [sys.executable, str(PROCS), "relay", database, stack.nats_admin_url, prefix],
                env=env,
                stdout=subprocess.PIPE,
            )
            assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
            await asyncio.sleep(rng.uniform(0.05, 0.6))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        ids = await writer
        # last run: let it finish
        proc = subprocess.Popen(
            [sys.executable, str(PROCS), "relay", database, stack.nats_admin_url, prefix],
            env=env,
            stdout=subprocess.PIPE,
        )
        js = nats_admin.jetstream()
        for _ in range(300):
            if (await js.stream_info(stream)).state.messages >= len(ids):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # anything doubled would arrive now
        proc.terminate()
        proc.wait(10)
    finally:
        await store.close()
    got = await stream_contents(nats_admin, stream, f"{prefix}.>")
    published = [g["id"] for g in got]
    assert kills >= 3
    assert len(published) == len(set(published)), "a message was published twice"
    assert set(published) == set(ids), "a message was lost"
    # each stream's events arrive in version order
    last: dict[int, int] = {}
    for g in got:
        assert g["version"] == last.get(g["data"]["s"], 0) + 1
        last[g["data"]["s"]] = g["version"]


async def test_an_unacknowledged_publication_does_not_move_the_checkpoint(
    store: EventStore, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    await append_many(store, 3, 1)

    def publication(event):  # type: ignore[no-untyped-def]
        message = raw_event_publication(prefix)(event)
        # the second event goes to a subject no stream captures: JetStream cannot acknowledge it
        return message if event.data["s"] != 1 else type(message)("nowhere.at.all", message.payload)

    relay = OutboxRelay(store, nats_admin.jetstream(), name="r2", publication=publication, ack_timeout=1.0)
    with pytest.raises(RelayPublishError):
        await relay.run_once()
    first = (await store.read_all(limit=1))[0].checkpoint
    assert await relay.checkpoint() == first  # moved past the first event only
    fixed = OutboxRelay(store, nats_admin.jetstream(), name="r2", publication=raw_event_publication(prefix))
    assert await fixed.run_once() == 2
    got = await stream_contents(nats_admin, stream, f"{prefix}.>")
    # every event once; the failed one may land after later ones of its batch (see relay.py)
    assert sorted(g["data"]["s"] for g in got) == [0, 1, 2]


async def test_a_relay_of_some_stream_types_drains_past_the_others(
    store: EventStore, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    await store.append("payment-1", "payment", 0, [NewEvent(event_type="Paid", data={}, occurred_at=NOW)])
    await append_many(store, 30, 1)  # other stream types after the last one it publishes
    relay = OutboxRelay(
        store,
        nats_admin.jetstream(),
        name="r3",
        publication=raw_event_publication(prefix),
        stream_types=["payment"],
        batch_size=7,
    )
    assert await relay.drain(within=10)  # the other types are passed, not waited for
    assert await relay.pending() == 0
    assert await relay.checkpoint() == await store.head()  # resumes after them, reads them no more
    assert [g["event_type"] for g in await stream_contents(nats_admin, stream, f"{prefix}.>")] == ["Paid"]
