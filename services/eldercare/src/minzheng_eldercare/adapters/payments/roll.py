"""The roll (高龄津贴发放名册): one row per registered elder, folded from the elder streams'
events (``domain.allowance.events``): who they are, where they live, whether they are resident
and living, and their allowance (start, changes by period, last period). Who is paid in a period,
in which band, is ``domain.payments.roll.RollEntry.standing`` over a row. A read model: dropped
and rebuilt from the events at will (``reset``).

Decided here: an ``AllowanceStarted`` for an elder whose allowance had ended (moved back) starts
the row's allowance afresh (its changes and last period replaced: the earlier months are paid
already, and the payments keep them); ``ElderDied`` (the allowance area's event for an elder not
started) is read by its name and marks the elder dead for the insurance enrolment."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from minzheng_contracts.period import Period
from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ...application.payments.roll_reads import NAME, TABLE
from ...domain.allowance import events as ev
from ...domain.payments.roll import Change, Kind

STREAM_TYPES = ["elder"]

MIGRATIONS = [
    Migration(
        "payments_0001_roll",
        f"""
        -- 高龄津贴名册: one row per elder; changes = [[from_period, kind, band_lower, band], ...]
        CREATE TABLE {TABLE} (
            elder_id text PRIMARY KEY, person text NOT NULL, born date, residence text NOT NULL,
            township text NOT NULL, resident boolean NOT NULL DEFAULT true, died_on date,
            allowance_id text, starts text, band text, last_period text, ended_reason text,
            changes jsonb NOT NULL DEFAULT '[]');
        CREATE INDEX {TABLE}_township ON {TABLE} (township);
        """,
    )
]

_REGISTERED = f"""INSERT INTO {TABLE} (elder_id, person, born, residence, township)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (elder_id) DO UPDATE SET person = excluded.person, born = excluded.born,
        residence = excluded.residence, township = excluded.township"""
_MOVED = f"""UPDATE {TABLE} SET residence = CASE WHEN $3 THEN $2 ELSE residence END,
    township = CASE WHEN $3 THEN left($2, 9) ELSE township END, resident = $3 WHERE elder_id = $1"""
_STARTED = f"""INSERT INTO {TABLE} (elder_id, person, residence, township, allowance_id, starts, band,
        last_period, ended_reason, changes)
    VALUES ($1, $2, $3, left($3, 9), $4, $5, $6, NULL, NULL, $7::jsonb)
    ON CONFLICT (elder_id) DO UPDATE SET allowance_id = excluded.allowance_id, starts = excluded.starts,
        band = excluded.band, last_period = NULL, ended_reason = NULL, changes = excluded.changes"""
_CHANGED = f"""UPDATE {TABLE} SET changes = changes || $2::jsonb,
    band = COALESCE($3, band) WHERE elder_id = $1"""
_ENDED = f"""UPDATE {TABLE} SET last_period = $2, ended_reason = $3,
    died_on = CASE WHEN $3 = 'death' THEN $4::date ELSE died_on END WHERE elder_id = $1"""


def _change(c: Change) -> str:
    return json.dumps([c.to_json()])


def _registered(e: ev.ElderRegistered, w: RowWrites) -> None:
    w.add(_REGISTERED, e.elder_id, e.person, date.fromisoformat(e.born), e.residence, e.residence[:9])


def _moved(e: ev.ElderMoved, w: RowWrites) -> None:
    w.add(_MOVED, e.elder_id, e.residence, e.within_county)


def _started(e: ev.AllowanceStarted, w: RowWrites) -> None:
    first = Change(Period.parse(e.starts), Kind.BAND, e.band_lower, e.band)
    w.add(_STARTED, e.elder_id, e.person, e.residence, e.allowance_id, e.starts, e.band, _change(first))


def _band_changed(e: ev.AllowanceBandChanged, w: RowWrites) -> None:
    c = Change(Period.parse(e.from_period), Kind.BAND, e.band_lower, e.band)
    w.add(_CHANGED, e.elder_id, _change(c), e.band)


def _suspended(e: ev.AllowanceSuspended, w: RowWrites) -> None:
    w.add(_CHANGED, e.elder_id, _change(Change(Period.parse(e.from_period), Kind.SUSPENDED)), None)


def _resumed(e: ev.AllowanceResumed, w: RowWrites) -> None:
    w.add(_CHANGED, e.elder_id, _change(Change(Period.parse(e.from_period), Kind.RESUMED)), None)


def _ended(e: ev.AllowanceEnded, w: RowWrites) -> None:
    died = date.fromisoformat(e.died_on) if e.died_on else Period.parse(e.last_period).last_day
    w.add(_ENDED, e.elder_id, e.last_period, e.reason, died)


_DIED = f"UPDATE {TABLE} SET died_on = $2::date WHERE elder_id = $1"


def _died(event: RecordedEvent, w: RowWrites) -> None:
    """``ElderDied`` (an elder not started yet, dead): read by name, the allowance area's type."""
    w.add(_DIED, event.data["elder_id"], date.fromisoformat(event.data["died_on"]))


_HANDLERS: dict[type, Callable[[Any, RowWrites], None]] = {
    ev.ElderRegistered: _registered,
    ev.ElderMoved: _moved,
    ev.AllowanceStarted: _started,
    ev.AllowanceBandChanged: _band_changed,
    ev.AllowanceSuspended: _suspended,
    ev.AllowanceResumed: _resumed,
    ev.AllowanceEnded: _ended,
}


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        if event.event_type == "ElderDied":
            _died(event, writes)
            continue
        fact = ev.ELDER_EVENTS.maybe_load(event.event_type, event.data)
        handle = _HANDLERS.get(type(fact))
        if handle is not None:
            handle(fact, writes)
    await writes.apply(conn)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {TABLE}")


__all__ = ["MIGRATIONS", "NAME", "STREAM_TYPES", "TABLE", "project", "reset"]
