"""Kill and restart processes and servers mid-flow; count what the other service saw.

The flow: the assistance service (a process) takes 低保 applications and publishes ``HouseholdApplied``
through its outbox relay; another service (a process) projects them, exactly once, into its own
database. At the end: applications accepted in the producer's store vs rows in the consumer's read
model: ``lost`` = accepted but never projected, ``doubled`` = projected more than once.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import pytest

from minzheng_assistance.application import handlers as h
from minzheng_assistance.domain.standards import Parameter
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.host import ServiceSettings

FLOW = Path(__file__).with_name("flow.py")
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}


class Flow:
    def __init__(self, stack, producer_db: str, consumer_db: str, run: str) -> None:  # type: ignore[no-untyped-def]
        self.stack, self.producer_db, self.consumer_db, self.run = stack, producer_db, consumer_db, run
        self.consumer: subprocess.Popen[bytes] | None = None

    def start_producer(self, count: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                str(FLOW),
                "produce",
                self.producer_db,
                self.stack.nats_url("assistance"),
                str(count),
                self.run,
            ],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def start_consumer(self) -> None:
        self.consumer = subprocess.Popen(
            [sys.executable, str(FLOW), "consume", self.consumer_db, self.stack.nats_admin_url, self.run],
            env=ENV,
            stdout=subprocess.PIPE,
        )
        assert self.consumer.stdout is not None and self.consumer.stdout.readline().strip() == b"ready"

    def kill_consumer(self) -> None:
        assert self.consumer is not None
        self.consumer.send_signal(signal.SIGKILL)
        self.consumer.wait()

    def stop_consumer(self) -> None:
        if self.consumer is not None and self.consumer.poll() is None:
            self.consumer.terminate()
            self.consumer.wait(15)

    async def accepted(self) -> set[str]:
        conn = await asyncpg.connect(self.producer_db)
        try:
            rows = await conn.fetch("SELECT stream_id FROM events WHERE event_type = 'HouseholdApplied'")
        finally:
            await conn.close()
        return {r["stream_id"].removeprefix("household-") for r in rows}

    async def projected(self) -> list[str]:
        conn = await asyncpg.connect(self.consumer_db)
        try:
            exists = await conn.fetchval("SELECT to_regclass('applied_seen') IS NOT NULL")
            rows = await conn.fetch("SELECT household_id::text AS h FROM applied_seen") if exists else []
        finally:
            await conn.close()
        return [r["h"] for r in rows]

    async def settle(self, timeout: float = 180) -> tuple[int, int, int]:
        """Wait until the consumer has nothing left to do in JetStream; return (accepted, lost, doubled)."""
        import nats

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        nc = await nats.connect(self.stack.nats_admin_url)
        try:
            while loop.time() < deadline:
                accepted = await self.accepted()
                seen = [h for h in await self.projected() if h in accepted]
                info = await nc.jetstream().consumer_info("ASSISTANCE", f"faults-applied{self.run}-v1")
                if set(seen) >= accepted and not info.num_pending and not info.num_ack_pending:
                    break
                if not info.num_pending and not info.num_ack_pending and set(seen) < accepted:
                    await asyncio.sleep(1.0)  # published but not delivered yet, or truly lost: look again
                    info = await nc.jetstream().consumer_info("ASSISTANCE", f"faults-applied{self.run}-v1")
                    if not info.num_pending and not info.num_ack_pending:
                        break
                await asyncio.sleep(0.2)
        finally:
            await nc.close()
        await asyncio.sleep(1.0)  # a late duplicate would land now
        seen = [h for h in await self.projected() if h in accepted]
        return len(accepted), len(accepted - set(seen)), len(seen) - len(set(seen))


async def run_to_completion(flow: Flow, count: int) -> None:
    proc = flow.start_producer(count)
    out, _ = await asyncio.to_thread(proc.communicate, timeout=180)
    assert proc.returncode == 0 and b"done" in out


async def wait_for_line(proc: subprocess.Popen[bytes], prefix: bytes, at_least: int = 1) -> None:
    assert proc.stdout is not None
    seen = 0
    while seen < at_least:
        line = await asyncio.to_thread(proc.stdout.readline)
        if not line:
            return
        if line.startswith(prefix):
            seen += 1


@pytest.fixture
async def flow(fresh_database: str, stack):  # type: ignore[no-untyped-def]
    consumer_db_name = f"faults_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(stack.pg_admin_dsn)
    await conn.execute(f'CREATE DATABASE "{consumer_db_name}"')
    await conn.close()
    service = Assistance(
        ServiceSettings("assistance", fresh_database, stack.nats_url("assistance")), clock=SystemClock()
    )
    async with service.host.running(consume=False, relay=False):
        ctx = service.context()
        actor = h.Actor("faults-setup")
        await h.register_division(ctx, actor, code="330727101", name="T", level="township")
        await h.register_division(ctx, actor, code="330727101201", name="V", level="village")
        await h.set_standard(
            ctx,
            actor,
            parameter=Parameter.DIBAO_RURAL,
            jurisdiction="330727",
            effective_from=date(2014, 1, 1),
            value=39_600,
        )
    f = Flow(stack, fresh_database, stack.postgres.admin_url(consumer_db_name), uuid.uuid4().hex[:6])
    f.start_consumer()
    yield f
    f.stop_consumer()
    conn = await asyncpg.connect(stack.pg_admin_dsn)
    await conn.execute(f'DROP DATABASE IF EXISTS "{consumer_db_name}" WITH (FORCE)')
    await conn.close()


def record(report: list[str], scenario: str, cycles: int, accepted: int, lost: int, doubled: int) -> None:
    report.append(f"{scenario}: cycles={cycles} accepted={accepted} lost={lost} doubled={doubled}")
    assert (lost, doubled) == (0, 0), report[-1]


async def test_kill_9_the_producer_at_random_points(flow: Flow, full: bool, report: list[str]) -> None:
    cycles = 100 if full else 4
    count = 40 * cycles
    rng = random.Random(cycles)
    for _ in range(cycles):
        proc = flow.start_producer(count)
        await wait_for_line(proc, b"ready")
        await asyncio.sleep(rng.uniform(0.05, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    await run_to_completion(flow, count)
    accepted, lost, doubled = await flow.settle()
    assert accepted == count
    record(report, "1 kill -9 producer (service + relay)", cycles, accepted, lost, doubled)


async def test_kill_9_the_consumer_mid_flow(flow: Flow, full: bool, report: list[str]) -> None:
    cycles = 20 if full else 3
    count = 60 * cycles
    producer = flow.start_producer(count)
    for _ in range(cycles):
        await asyncio.sleep(0.7)
        flow.kill_consumer()
        flow.start_consumer()
    await asyncio.to_thread(producer.communicate, timeout=180)
    accepted, lost, doubled = await flow.settle()
    record(report, "2 kill -9 consumer between effect and ack", cycles, accepted, lost, doubled)


async def test_nats_restart_mid_flow(flow: Flow, stack, full: bool, report: list[str]) -> None:  # type: ignore[no-untyped-def]
    cycles = 5 if full else 1
    producer = flow.start_producer(80 * cycles)
    await wait_for_line(producer, b"applied", 10)
    for _ in range(cycles):
        await asyncio.to_thread(stack.nats.restart)
        await asyncio.sleep(1.0)
    await asyncio.to_thread(producer.communicate, timeout=180)
    accepted, lost, doubled = await flow.settle()
    record(report, "3 NATS restart mid-flow", cycles, accepted, lost, doubled)


async def test_postgres_restart_mid_flow(flow: Flow, stack, report: list[str]) -> None:  # type: ignore[no-untyped-def]
    producer = flow.start_producer(120)
    await wait_for_line(producer, b"applied", 10)
    await asyncio.to_thread(stack.postgres.restart)
    out, _ = await asyncio.to_thread(producer.communicate, timeout=180)
    assert b"done" in out, "the producer recovers from the restart by itself"
    accepted, lost, doubled = await flow.settle()
    assert accepted == 120
    record(report, "4 PostgreSQL restart mid-flow", 1, accepted, lost, doubled)


async def test_poison_message_is_dead_lettered_and_the_flow_goes_on(
    flow: Flow,
    stack,
    nats_admin,
    report: list[str],  # type: ignore[no-untyped-def]
) -> None:
    js = nats_admin.jetstream()
    await js.publish(
        "assistance.household.applied",
        b'{"event_type": "HouseholdApplied", "not": "a contract"}',
        headers={"Nats-Msg-Id": str(uuid.uuid4())},
    )
    await run_to_completion(flow, 30)
    accepted, lost, doubled = await flow.settle()
    conn = await asyncpg.connect(flow.consumer_db)
    try:
        dead = await conn.fetchval("SELECT count(*) FROM dead_letters WHERE consumer LIKE 'faults-applied%'")
    finally:
        await conn.close()
    assert dead >= 1
    record(report, "5 poison message → dead letter, consumer goes on", 1, accepted, lost, doubled)


async def test_16_writers_with_a_live_tail(fresh_database: str, full: bool, report: list[str]) -> None:
    """Scenario 6: 16 concurrent writers, a reader tailing the global order: nothing skipped or doubled."""
    from datetime import UTC, datetime

    from sqlalchemy.ext.asyncio import create_async_engine

    from minzheng_eventstore import START, EventStore, NewEvent, install
    from minzheng_eventstore.dsn import sqlalchemy_url

    total = 100_000 if full else 20_000
    engine = create_async_engine(sqlalchemy_url(fresh_database))
    await install(engine)
    await engine.dispose()
    store = await EventStore.connect(fresh_database, max_size=20)
    written: set[str] = set()
    seen: list[str] = []
    done = asyncio.Event()

    async def writer(w: int) -> None:
        for i in range(total // 16):
            event = NewEvent(event_type="Applied", data={"w": w}, occurred_at=datetime.now(UTC))
            await store.append(f"s{w}-{i % 97}", "tick", -1, [event])
            written.add(str(event.event_id))

    async def tail() -> None:
        checkpoint = START
        while True:
            finished = done.is_set()
            batch = await store.read_all(checkpoint, limit=500)
            seen.extend(str(e.event_id) for e in batch)
            if batch:
                checkpoint = batch[-1].checkpoint
            elif finished:
                return
            else:
                await asyncio.sleep(0.001)

    reader = asyncio.create_task(tail())
    try:
        await asyncio.gather(*(writer(w) for w in range(16)))
        done.set()
        await reader
    finally:
        await store.close()
    record(
        report,
        "6 16 writers + live tail",
        1,
        len(written),
        len(written - set(seen)),
        len(seen) - len(set(seen)),
    )
