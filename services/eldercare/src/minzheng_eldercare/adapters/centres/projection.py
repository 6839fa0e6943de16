"""The centres' read model: one row per centre (``eldercare_care_centres``), its status and the
day of each step; folded from the centre streams, dropped and rebuilt at will."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ...application.centres.reads import NAME, TABLE
from ...application.centres.streams import CENTRE
from ...domain.centres import centre as c

STREAM_TYPES = [CENTRE.stream_type]

MIGRATION = Migration(
    "0202_eldercare_centres_read_model",
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        centre_id text PRIMARY KEY, name text NOT NULL, division text NOT NULL, status text NOT NULL,
        planned_on date, built_on date, accepted_on date, opened_on date);
    CREATE INDEX IF NOT EXISTS {TABLE}_division ON {TABLE} (division, name);
    """,
)

_PLANNED = f"""INSERT INTO {TABLE} (centre_id, name, division, status, planned_on)
    VALUES ($1, $2, $3, 'planned', $4) ON CONFLICT DO NOTHING"""


def _step(column: str, status: str) -> str:
    return f"UPDATE {TABLE} SET status = '{status}', {column} = $2 WHERE centre_id = $1"


def _planned(e: c.CareCentrePlanned, w: RowWrites) -> None:
    w.add(_PLANNED, e.centre_id, e.name, e.division, date.fromisoformat(e.planned_on))


def _built(e: c.CareCentreBuilt, w: RowWrites) -> None:
    w.add(_step("built_on", "built"), e.centre_id, date.fromisoformat(e.built_on))


def _accepted(e: c.CareCentreAccepted, w: RowWrites) -> None:
    w.add(_step("accepted_on", "accepted"), e.centre_id, date.fromisoformat(e.accepted_on))


def _opened(e: c.CareCentreOpened, w: RowWrites) -> None:
    w.add(_step("opened_on", "operating"), e.centre_id, date.fromisoformat(e.opened_on))


_HANDLERS: dict[str, Callable[[Any, RowWrites], None]] = {
    "CareCentrePlanned": _planned,
    "CareCentreBuilt": _built,
    "CareCentreAccepted": _accepted,
    "CareCentreOpened": _opened,
}


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        handler = _HANDLERS.get(event.event_type)
        if handler is not None:
            handler(c.CENTRE_EVENTS.load(event.event_type, event.data), writes)
    await writes.apply(conn)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {TABLE}")


__all__ = ["MIGRATION", "NAME", "STREAM_TYPES", "TABLE", "project", "reset"]
