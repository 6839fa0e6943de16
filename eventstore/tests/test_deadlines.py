"""Durable deadlines on the real PostgreSQL: written with the command, raised once at each stage
(also with several schedulers, and across a restart), at their true time; the working-day
calendar as data, and ``add_working_days`` property-tested."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore import EventStore, deadlines
from minzheng_eventstore.builder import Actor, EventBuilder
from minzheng_eventstore.deadlines import Due, WorkingCalendar, add_working_days
from minzheng_eventstore.uow import Aggregate, UnitOfWork, run_unit
from minzheng_kernel.clock import ManualClock
from minzheng_kernel.events import DomainEvent, EventTypes

START = datetime(2026, 7, 14, 6, 0, tzinfo=UTC)
KIND = "test-sla"


@dataclass(frozen=True, slots=True)
class Alerted(DomainEvent):
    stage: str
    noticed: str


def _evolve(state: list[Alerted], event: Alerted) -> list[Alerted]:
    return [*state, event]


CASE = Aggregate("case", EventTypes(Alerted), list, _evolve)


async def on_due(uow: UnitOfWork, due: Due) -> None:
    await uow.load(CASE, due.subject)
    fact = Alerted(due.stage, due.now.isoformat())
    await uow.record(CASE, due.subject, [fact], at=due.at, event_ids=[due.event_id])


def builder(clock: ManualClock) -> EventBuilder:
    return EventBuilder(clock, Actor("scheduler"))


@pytest.fixture
async def tables(store: EventStore) -> EventStore:
    async with store.pool.acquire() as conn:
        await conn.execute(deadlines.SQL)
    return store


async def schedule_cases(store: EventStore, subjects: list[str], clock: ManualClock) -> None:
    async def unit(uow: UnitOfWork) -> None:
        for subject in subjects:
            await deadlines.schedule(
                uow.conn,
                kind=KIND,
                subject=subject,
                warn_at=START + timedelta(hours=18),
                due_at=START + timedelta(hours=24),
                starts_at=START,
            )

    await run_unit(store, unit, builder=builder(clock))


async def alerts(store: EventStore, subject: str) -> list[Any]:
    try:
        return await store.read_stream(subject)
    except Exception:
        return []


async def test_a_deadline_exists_only_if_its_command_commits(tables: EventStore) -> None:
    clock = ManualClock(START)

    async def refused(uow: UnitOfWork) -> None:
        await deadlines.schedule(uow.conn, kind=KIND, subject="case-1", due_at=START)
        raise RuntimeError("the command failed after scheduling")

    with pytest.raises(RuntimeError):
        await run_unit(tables, refused, builder=builder(clock))
    async with tables.pool.acquire() as conn:
        assert await deadlines.lock(conn, KIND, "case-1") is None
    await schedule_cases(tables, ["case-1"], clock)
    async with tables.pool.acquire() as conn:
        row = await deadlines.lock(conn, KIND, "case-1")
    assert row is not None and row.state == "pending" and row.due_at == START + timedelta(hours=24)


async def test_at_risk_then_overdue_each_once_at_their_true_time(tables: EventStore) -> None:
    clock = ManualClock(START)
    await schedule_cases(tables, ["case-a", "case-b", "case-c"], clock)
    async with tables.pool.acquire() as conn, conn.transaction():
        assert await deadlines.close(conn, KIND, "case-c", at=START + timedelta(hours=1))
    b = builder(clock)
    assert await deadlines.raise_due(tables, KIND, on_due, now=clock.now(), builder=b) == {
        "at_risk": 0,
        "overdue": 0,
    }
    clock.advance(timedelta(hours=19))
    assert await deadlines.raise_due(tables, KIND, on_due, now=clock.now(), builder=b) == {
        "at_risk": 2,
        "overdue": 0,
    }
    assert await deadlines.raise_due(tables, KIND, on_due, now=clock.now(), builder=b) == {
        "at_risk": 0,
        "overdue": 0,
    }
    clock.advance(timedelta(hours=30))
    for _ in range(2):
        raised = await deadlines.raise_due(tables, KIND, on_due, now=clock.now(), builder=b)
        assert raised == ({"at_risk": 0, "overdue": 2} if _ == 0 else {"at_risk": 0, "overdue": 0})
    events = await alerts(tables, "case-a")
    assert [(e.data["stage"], e.occurred_at) for e in events] == [
        ("at_risk", START + timedelta(hours=18)),
        ("overdue", START + timedelta(hours=24)),
    ]
    assert [e.event_id for e in events] == [
        deadlines.stage_event_id(KIND, "case-a", "at_risk"),
        deadlines.stage_event_id(KIND, "case-a", "overdue"),
    ]
    assert datetime.fromisoformat(events[1].data["noticed"]) == clock.now()  # noticed late
    assert await alerts(tables, "case-c") == []  # closed in time: never raised


async def test_several_schedulers_at_once_raise_each_stage_once(tables: EventStore) -> None:
    clock = ManualClock(START)
    subjects = [f"case-{n}" for n in range(120)]
    await schedule_cases(tables, subjects, clock)
    clock.advance(timedelta(hours=25))
    b = builder(clock)
    results = await asyncio.gather(
        *(deadlines.raise_due(tables, KIND, on_due, now=clock.now(), builder=b, batch=25) for _ in range(3))
    )
    assert sum(r["at_risk"] for r in results) == 120
    assert sum(r["overdue"] for r in results) == 120
    for subject in subjects[:20]:
        assert [e.data["stage"] for e in await alerts(tables, subject)] == ["at_risk", "overdue"]


async def test_a_restart_across_the_deadline_raises_it_once_late(tables: EventStore, database: str) -> None:
    clock = ManualClock(START)
    await schedule_cases(tables, ["case-r"], clock)
    await tables.close()  # the service goes down before the warning point
    clock.advance(timedelta(hours=40))
    again = await EventStore.connect(database)
    try:
        stop = asyncio.Event()
        task = asyncio.create_task(
            deadlines.run_deadlines(again, KIND, on_due, builder=builder(clock), stop=stop, interval=0.02)
        )
        for _ in range(200):
            if len(await alerts(again, "case-r")) == 2:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # more rounds: nothing more
        stop.set()
        await task
        events = await alerts(again, "case-r")
    finally:
        await again.close()
    assert [(e.data["stage"], e.occurred_at) for e in events] == [
        ("at_risk", START + timedelta(hours=18)),
        ("overdue", START + timedelta(hours=24)),
    ]


async def test_the_calendar_is_data_and_the_most_specific_jurisdiction_wins(tables: EventStore) -> None:
    async with tables.pool.acquire() as conn:
        # National Day week (国庆): 1-7 Oct non-working, Sunday 27 Sep and Saturday 10 Oct make-up days
        for d in range(1, 8):
            await deadlines.set_calendar_day(conn, "33", date(2026, 10, d), working=False, note="国庆")
        await deadlines.set_calendar_day(conn, "33", date(2026, 9, 27), working=True, note="调休")
        await deadlines.set_calendar_day(conn, "33", date(2026, 10, 10), working=True, note="调休")
        # a county keeps 7 Oct as a working day
        assert await deadlines.set_calendar_day(conn, "330727", date(2026, 10, 7), working=True)
        # the same declaration again changes nothing (and so records no CalendarDaySet); a new note does
        assert not await deadlines.set_calendar_day(conn, "330727", date(2026, 10, 7), working=True)
        assert await deadlines.set_calendar_day(conn, "330727", date(2026, 10, 7), working=True, note="县定")
        province = await deadlines.load_calendar(conn, "330101")
        county = await deadlines.load_calendar(conn, "330727101201")
        elsewhere = await deadlines.load_calendar(conn, "110101")
    assert not province.is_working(date(2026, 10, 7)) and county.is_working(date(2026, 10, 7))
    assert province.is_working(date(2026, 9, 27))  # a Sunday, made up
    # Wed 30 Sep + 1 working day: 8 Oct (Thu) in the province, 7 Oct in the county, 1 Oct elsewhere
    assert add_working_days(date(2026, 9, 30), 1, province) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 1, county) == date(2026, 10, 7)
    assert add_working_days(date(2026, 9, 30), 1, elsewhere) == date(2026, 10, 1)
    assert add_working_days(date(2026, 10, 8), 2, province) == date(2026, 10, 10)  # Saturday, made up


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    non_working=st.frozensets(days, max_size=40),
    make_up=st.frozensets(days, max_size=10),
)


@given(days, st.integers(0, 60), calendars)
def test_add_working_days_counts_exactly_n_working_days(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    end = add_working_days(start, n, calendar)
    between = [start + timedelta(days=k) for k in range(1, (end - start).days + 1)]
    assert sum(calendar.is_working(d) for d in between) == n
    if n:
        assert calendar.is_working(end)
    else:
        assert end == start


@given(days, st.integers(0, 30), st.integers(0, 30), calendars)
def test_add_working_days_composes_and_is_monotonic(
    start: date, a: int, b: int, calendar: WorkingCalendar
) -> None:
    assert add_working_days(add_working_days(start, a, calendar), b, calendar) == add_working_days(
        start, a + b, calendar
    )
    assert add_working_days(start, a, calendar) <= add_working_days(start, a + b, calendar)


def test_add_working_days_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1, WorkingCalendar())
    with pytest.raises(ValueError):
        WorkingCalendar(weekend=frozenset(range(7)))
    # without holidays: Friday + 1 working day is Monday
    assert add_working_days(date(2026, 7, 17), 1, WorkingCalendar()) == date(2026, 7, 20)
