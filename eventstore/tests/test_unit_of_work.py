"""The unit of work: load → decide → guard → append in one transaction, retried whole on conflicts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from minzheng_eventstore import Actor, Aggregate, EventBuilder, EventStore, UnitOfWork, run_unit
from minzheng_eventstore.errors import ConcurrencyError
from minzheng_kernel import Conflict, DomainEvent, EventTypes, ManualClock

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Opened(DomainEvent):
    limit: int


@dataclass(frozen=True, slots=True)
class Taken(DomainEvent):
    ticket: str


@dataclass(frozen=True, slots=True)
class Queue:
    limit: int = 0
    tickets: tuple[str, ...] = ()


def evolve(state: Queue, event: DomainEvent) -> Queue:
    match event:
        case Opened(limit=limit):
            return replace(state, limit=limit)
        case Taken(ticket=ticket):
            return replace(state, tickets=(*state.tickets, ticket))
    return state


QUEUE = Aggregate("queue", EventTypes(Opened, Taken), Queue, evolve)


def take(state: Queue, ticket: str) -> list[DomainEvent]:
    """The pure decision: a ticket once, and no more tickets than the limit."""
    if ticket in state.tickets:
        return []
    if len(state.tickets) >= state.limit:
        raise Conflict("queue_full", "no tickets left")
    return [Taken(ticket)]


def builder() -> EventBuilder:
    return EventBuilder(ManualClock(NOW), Actor("tester"))


async def open_queue(store: EventStore, stream: str, limit: int) -> None:
    async def unit(uow: UnitOfWork) -> None:
        await uow.load(QUEUE, stream)
        await uow.record(QUEUE, stream, [Opened(limit)])

    await run_unit(store, unit, builder=builder())


async def test_sixteen_concurrent_commands_on_one_stream_each_take_effect_or_are_refused(
    store: EventStore,
) -> None:
    await open_queue(store, "queue-1", limit=10)
    reads = 0
    original = store.read_stream

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        return await original(*args, **kwargs)

    store.read_stream = counting  # type: ignore[method-assign]

    async def command(n: int) -> str:
        async def unit(uow: UnitOfWork) -> None:
            state = await uow.load(QUEUE, "queue-1")
            await uow.record(QUEUE, "queue-1", take(state, f"t{n}"))

        try:
            await run_unit(store, unit, builder=builder())
            return "taken"
        except Conflict as exc:
            return exc.code

    outcomes = await asyncio.gather(*(command(n) for n in range(16)))
    assert sorted(outcomes) == ["queue_full"] * 6 + ["taken"] * 10
    state = QUEUE.fold(await original("queue-1"))
    assert len(state.tickets) == 10 and len(set(state.tickets)) == 10
    assert reads >= 16  # each attempt reads the stream once; retries read again, nothing reads twice


async def test_a_unit_reads_its_stream_once(store: EventStore) -> None:
    await open_queue(store, "queue-2", limit=3)
    calls: list[str] = []
    original = store.read_stream

    async def counting(stream_id: str, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(stream_id)
        return await original(stream_id, **kwargs)

    store.read_stream = counting  # type: ignore[method-assign]

    async def unit(uow: UnitOfWork) -> Queue:
        state = await uow.load(QUEUE, "queue-2")
        return await uow.record(QUEUE, "queue-2", take(state, "a"))

    after = await run_unit(store, unit, builder=builder())
    assert after.tickets == ("a",)
    assert calls == ["queue-2"]


async def test_a_guard_row_conflict_retries_the_whole_unit_and_the_retry_decides_again(
    store: EventStore,
) -> None:
    async with store.pool.acquire() as conn:
        await conn.execute("CREATE TABLE holders (person text PRIMARY KEY, queue text NOT NULL)")
    attempts = 0

    async def claim(queue: str) -> str:
        async def unit(uow: UnitOfWork) -> str:
            nonlocal attempts
            attempts += 1
            holder = await uow.conn.fetchval("SELECT queue FROM holders WHERE person = 'p1'")
            if holder is not None:
                raise Conflict("person_taken", f"held by {holder}")
            await asyncio.sleep(0.05)  # both units pass the check before either inserts
            await uow.conn.execute("INSERT INTO holders VALUES ('p1', $1)", queue)
            await uow.load(QUEUE, queue)
            await uow.record(QUEUE, queue, [Opened(1)])
            return queue

        try:
            return await run_unit(store, unit, builder=builder())
        except Conflict as exc:
            return exc.code

    results = await asyncio.gather(claim("queue-a"), claim("queue-b"))
    assert sorted(results) in (["person_taken", "queue-a"], ["person_taken", "queue-b"])
    assert attempts == 3  # the loser ran again, saw the committed guard row and refused
    async with store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM holders") == 1
        assert await conn.fetchval("SELECT count(*) FROM events") == 1


async def test_a_unit_bound_to_a_transaction_retries_in_a_savepoint_and_keeps_the_outer_work(
    store: EventStore,
) -> None:
    await open_queue(store, "queue-3", limit=5)
    async with store.pool.acquire() as conn, conn.transaction():
        await conn.execute("CREATE TABLE inbox_like (id int PRIMARY KEY)")
        await conn.execute("INSERT INTO inbox_like VALUES (1)")
        first = True

        async def unit(uow: UnitOfWork) -> None:
            nonlocal first
            state = await uow.load(QUEUE, "queue-3")
            if first:  # another writer moves the stream between this unit's load and its append
                first = False
                await store.append("queue-3", "queue", 1, builder().build([Taken("other")]))
            await uow.record(QUEUE, "queue-3", take(state, "mine"))

        await run_unit(store, unit, builder=builder(), conn=conn)
        assert await conn.fetchval("SELECT count(*) FROM inbox_like") == 1
    state = QUEUE.fold(await store.read_stream("queue-3"))
    assert state.tickets == ("other", "mine")


async def test_a_unit_that_keeps_losing_gives_up_with_a_concurrency_error(store: EventStore) -> None:
    await open_queue(store, "queue-4", limit=100)
    n = 0

    async def unit(uow: UnitOfWork) -> None:
        nonlocal n
        state = await uow.load(QUEUE, "queue-4")
        n += 1
        await store.append("queue-4", "queue", uow.version("queue-4"), builder().build([Taken(f"x{n}")]))
        await uow.record(QUEUE, "queue-4", take(state, f"y{n}"))

    with pytest.raises(ConcurrencyError):
        await run_unit(store, unit, builder=builder(), max_attempts=3)
    assert n == 3


async def test_domain_errors_roll_the_unit_back(store: EventStore) -> None:
    async def unit(uow: UnitOfWork) -> None:
        await uow.conn.execute("CREATE TABLE scratch (x int)")
        await uow.load(QUEUE, "queue-5")
        await uow.record(QUEUE, "queue-5", [Opened(0)])
        raise Conflict("nope", "refused after writing")

    with pytest.raises(Conflict):
        await run_unit(store, unit, builder=builder())
    async with store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT to_regclass('scratch')") is None
        assert await conn.fetchval("SELECT count(*) FROM events") == 0
