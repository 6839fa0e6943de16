"""Durable deadlines (期限/时限): a shared building block (DESIGN §5a).

A deadline is a row in ``deadlines`` written in the command's transaction (``schedule`` on
``uow.conn``), so it exists exactly when the command's events do. The scheduler (``raise_due``,
looped by ``run_deadlines``) raises each deadline's *at-risk* point and its *overdue* point once:

- the due rows are claimed with ``FOR UPDATE SKIP LOCKED`` (two schedulers never take one row),
- the service's handler records its event(s) with ``due.event_id`` (deterministic: the same
  deadline and stage always give the same id) at ``due.at`` (the true moment, not the moment it
  was noticed), and the row moves on in the same transaction,
- so after a crash or a restart nothing is raised twice and nothing is lost: a point passed while
  the service was down is raised late, with its true time; replaying gives the same events.

A command that meets the deadline closes it (``close``) in its own transaction; a closed deadline
is never raised. Working days come from a calendar that is data (``working_calendar``: the
non-working days and the make-up working days 调休 of each jurisdiction), read with
``load_calendar`` and counted with the pure ``add_working_days``.

    MIGRATIONS = [*service_migrations, deadlines.MIGRATION]

    async def register(uow: UnitOfWork) -> ...:
        ...
        await deadlines.schedule(uow.conn, kind="relief-sla", subject=stream, due_at=d, warn_at=w)

    async def on_due(uow: UnitOfWork, due: Due) -> None:      # one per due deadline and stage
        state = await uow.load(HOUSEHOLD, due.subject)
        await uow.record(HOUSEHOLD, due.subject, decide(state, due), at=due.at, event_ids=[due.event_id])

    await raise_due(store, "relief-sla", on_due, now=clock.now(), builder=builder)
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import structlog

from minzheng_kernel.calendar import WorkingCalendar, add_working_days, calendar_of

from .builder import EventBuilder
from .host import Migration
from .store import Connection, EventStore
from .uow import UnitOfWork, run_unit

log = structlog.get_logger("minzheng.deadlines")

Stage = Literal["at_risk", "overdue"]
STAGES: tuple[Stage, ...] = ("at_risk", "overdue")
NAMESPACE = uuid.UUID("6f1d2c3b-4a5e-4d7c-8b9a-0e1f2a3b4c5d")

SQL = """
CREATE TABLE IF NOT EXISTS deadlines (
    kind text NOT NULL, subject text NOT NULL, jurisdiction text,
    starts_at timestamptz NOT NULL, warn_at timestamptz, due_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'pending', warned boolean NOT NULL DEFAULT false,
    closed_at timestamptz,
    PRIMARY KEY (kind, subject),
    CHECK (state IN ('pending', 'met', 'overdue', 'cancelled')),
    CHECK (starts_at <= due_at AND (warn_at IS NULL OR (starts_at <= warn_at AND warn_at <= due_at))));
CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines (kind, due_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deadlines_warn ON deadlines (kind, warn_at)
    WHERE state = 'pending' AND NOT warned AND warn_at IS NOT NULL;
-- The working-day calendar is data: a non-working day (法定节假日, working = false) or a make-up
-- working day (调休上班, working = true) per jurisdiction; the most specific jurisdiction wins.
CREATE TABLE IF NOT EXISTS working_calendar (
    jurisdiction text NOT NULL, day date NOT NULL, working boolean NOT NULL,
    note text NOT NULL DEFAULT '', PRIMARY KEY (jurisdiction, day));
"""
MIGRATION = Migration("deadlines_0001", SQL)
"""Add to a service's migrations to get the tables."""


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str
    subject: str
    """What the deadline is about: usually the stream the events go to."""
    jurisdiction: str | None
    starts_at: datetime
    warn_at: datetime | None
    due_at: datetime
    state: str
    warned: bool
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Due:
    """One deadline whose at-risk or overdue point has come."""

    deadline: Deadline
    stage: Stage
    now: datetime
    """When the scheduler noticed it (later than ``at`` after an outage)."""

    @property
    def subject(self) -> str:
        return self.deadline.subject

    @property
    def at(self) -> datetime:
        """The true moment of the stage: the warning point or the deadline."""
        if self.stage == "at_risk":
            assert self.deadline.warn_at is not None
            return self.deadline.warn_at
        return self.deadline.due_at

    @property
    def event_id(self) -> uuid.UUID:
        return stage_event_id(self.deadline.kind, self.deadline.subject, self.stage)


DueHandler = Callable[[UnitOfWork, Due], Awaitable[None]]
"""Records the service's event for one due deadline, in the scheduler's unit of work."""


def stage_event_id(kind: str, subject: str, stage: Stage) -> uuid.UUID:
    """The deterministic id of the event raised at one stage of one deadline."""
    return uuid.uuid5(NAMESPACE, f"{kind}/{subject}/{stage}")


async def schedule(
    conn: Connection,
    *,
    kind: str,
    subject: str,
    due_at: datetime,
    warn_at: datetime | None = None,
    starts_at: datetime | None = None,
    jurisdiction: str | None = None,
) -> None:
    """Write a deadline in the caller's transaction (a second one for the same kind and subject is
    a unique violation: ``run_unit`` retries the unit, which then sees the first)."""
    await conn.execute(
        "INSERT INTO deadlines (kind, subject, jurisdiction, starts_at, warn_at, due_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        kind,
        subject,
        jurisdiction,
        starts_at or warn_at or due_at,
        warn_at,
        due_at,
    )


async def lock(conn: Connection, kind: str, subject: str) -> Deadline | None:
    """The deadline, locked for the caller's transaction: the scheduler skips it meanwhile."""
    row = await conn.fetchrow(_SELECT + " WHERE kind = $1 AND subject = $2 FOR UPDATE", kind, subject)
    return None if row is None else Deadline(*row)


async def close(conn: Connection, kind: str, subject: str, *, at: datetime, state: str = "met") -> bool:
    """Close the deadline (met, or ``cancelled``) in the caller's transaction; it is raised no
    more. A deadline already raised as overdue may still be closed as met (a delivery entered
    after the fact). False if there is no such deadline or it is already in ``state``."""
    done = await conn.fetchval(
        "UPDATE deadlines SET state = $3, closed_at = $4 WHERE kind = $1 AND subject = $2 "
        "AND state <> $3 RETURNING true",
        kind,
        subject,
        state,
        at,
    )
    return bool(done)


_SELECT = (
    "SELECT kind, subject, jurisdiction, starts_at, warn_at, due_at, state, warned, closed_at FROM deadlines"
)
_DUE: dict[Stage, str] = {
    "at_risk": _SELECT + " WHERE kind = $1 AND state = 'pending' AND NOT warned AND warn_at IS NOT NULL "
    "AND warn_at <= $2 ORDER BY warn_at LIMIT $3 FOR UPDATE SKIP LOCKED",
    "overdue": _SELECT + " WHERE kind = $1 AND state = 'pending' AND due_at <= $2 "
    "ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED",
}
_MOVE: dict[Stage, str] = {
    "at_risk": "UPDATE deadlines SET warned = true WHERE kind = $1 AND subject = ANY($2)",
    "overdue": "UPDATE deadlines SET state = 'overdue', warned = true WHERE kind = $1 AND subject = ANY($2)",
}


async def raise_due(
    store: EventStore,
    kind: str,
    handler: DueHandler,
    *,
    now: datetime,
    builder: EventBuilder,
    batch: int = 1000,
) -> dict[Stage, int]:
    """Raise every at-risk point, then every overdue point, of ``kind`` due at ``now``, a batch per
    transaction; return how many of each were raised."""
    raised: dict[Stage, int] = {"at_risk": 0, "overdue": 0}
    for stage in STAGES:

        async def unit(uow: UnitOfWork, stage: Stage = stage) -> int:
            rows = await uow.conn.fetch(_DUE[stage], kind, now, batch)
            for row in rows:
                await handler(uow, Due(Deadline(*row), stage, now))
            if rows:
                await uow.conn.execute(_MOVE[stage], kind, [r["subject"] for r in rows])
            return len(rows)

        while True:
            count = await run_unit(store, unit, builder=builder)
            raised[stage] += count
            if count < batch:
                break
    if any(raised.values()):
        log.info("deadlines.raised", kind=kind, **raised)
    return raised


async def run_deadlines(
    store: EventStore,
    kind: str,
    handler: DueHandler,
    *,
    builder: EventBuilder,
    stop: asyncio.Event,
    interval: float = 1.0,
    batch: int = 1000,
) -> None:
    """Raise due deadlines until ``stop``, on the builder's clock; idle cost is two indexed queries
    per interval. Errors (a database restart) are logged and retried at the next round."""
    while not stop.is_set():
        try:
            await raise_due(store, kind, handler, now=builder.clock.now(), builder=builder, batch=batch)
        except Exception as exc:  # keep the clocks running through outages
            log.warning("deadlines.retrying", kind=kind, error=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


# ---------------------------------------------------------------------- the working-day calendar
# The calendar and the day arithmetic are pure and live in the kernel (``minzheng_kernel.calendar``),
# so that a domain can compute a statutory period; this module stores the calendar.


async def load_calendar(conn: Connection, jurisdiction: str) -> WorkingCalendar:
    """The calendar in force for a place: the entries of every jurisdiction that contains it
    (``330727101201`` is in ``330727`` and in ``33``), the more specific overriding."""
    rows = await conn.fetch(
        "SELECT day, working FROM working_calendar WHERE $1 LIKE jurisdiction || '%' "
        "ORDER BY length(jurisdiction), day",
        jurisdiction,
    )
    return calendar_of((r["day"], r["working"]) for r in rows)


async def set_calendar_day(
    conn: Connection, jurisdiction: str, day: date, *, working: bool, note: str = ""
) -> bool:
    """Declare a non-working day (``working=False``) or a make-up working day in a jurisdiction;
    ``False`` when the calendar already says exactly that (nothing changed)."""
    changed = await conn.fetchval(
        "INSERT INTO working_calendar (jurisdiction, day, working, note) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (jurisdiction, day) DO UPDATE SET working = excluded.working, note = excluded.note "
        "WHERE (working_calendar.working, working_calendar.note) "
        "IS DISTINCT FROM (excluded.working, excluded.note) RETURNING true",
        jurisdiction,
        day,
        working,
        note,
    )
    return bool(changed)


__all__ = [
    "MIGRATION",
    "Deadline",
    "Due",
    "DueHandler",
    "WorkingCalendar",
    "add_working_days",
    "calendar_of",
    "close",
    "load_calendar",
    "lock",
    "raise_due",
    "run_deadlines",
    "schedule",
    "set_calendar_day",
    "stage_event_id",
]
