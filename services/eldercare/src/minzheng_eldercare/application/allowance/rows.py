"""The "next change" table ``allowance_elders`` (one row per elder): what the daily check needs to
select the few elders due in a period without reading 500,000 streams. It is written only by the
units that record the elder's events, in their transaction (so it never lags them): the state's
columns, and ``next_due`` (``YYYY-MM``), the first period in which the check has something to
look at. A unit other than the check sets it to its own period (look again); the check sets it to
the next threshold. ``revision`` counts a row's saves, so that the check's bulk move of
``next_due`` never overwrites what a unit saved meanwhile. The lists (``GET /elders``) select
from it, and show the streams of a page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from minzheng_contracts.period import Period
from minzheng_eventstore.host import Migration
from minzheng_eventstore.store import Connection

from ...domain.allowance import elder as d

OPEN = ("pending", "active", "suspended")

MIGRATION = Migration(
    "allowance_elders_0001",
    """
    CREATE TABLE IF NOT EXISTS allowance_elders (
        elder_id text PRIMARY KEY,
        born date NOT NULL,
        residence text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'ended', 'deceased')),
        band text,
        band_lower integer,
        starts text,
        next_due text NOT NULL,
        last_proof date NOT NULL,
        proof_lapsed boolean NOT NULL DEFAULT false,
        ineligible boolean NOT NULL DEFAULT false,
        resident boolean NOT NULL DEFAULT true,
        dibao boolean NOT NULL DEFAULT false,
        monthly_income_fen bigint,
        revision bigint NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS allowance_elders_due ON allowance_elders (next_due)
        WHERE status IN ('pending', 'active', 'suspended');
    CREATE INDEX IF NOT EXISTS allowance_elders_proof ON allowance_elders (last_proof)
        WHERE NOT proof_lapsed AND status IN ('pending', 'active', 'suspended');
    CREATE INDEX IF NOT EXISTS allowance_elders_residence
        ON allowance_elders (residence text_pattern_ops, elder_id);
    CREATE TABLE IF NOT EXISTS allowance_check_state (
        id integer PRIMARY KEY CHECK (id = 1),
        fingerprint text NOT NULL,
        period text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS allowance_check_days (
        day date PRIMARY KEY,
        report text NOT NULL
    );
    """,
)
"""The table, the fingerprint of the standards the last full pass saw, and the days checked by
the scheduler (one check a day, also across restarts)."""

COLUMNS = (
    "elder_id, born, residence, status, band, band_lower, starts, next_due, last_proof, "
    "proof_lapsed, ineligible, resident, dibao, monthly_income_fen"
)
_PLACES = ", ".join(f"${i}" for i in range(1, 15))
_INSERT = f"INSERT INTO allowance_elders ({COLUMNS}) VALUES ({_PLACES})"
_UPSERT = (
    _INSERT + " "
    "ON CONFLICT (elder_id) DO UPDATE SET residence = excluded.residence, status = excluded.status, "
    "band = excluded.band, band_lower = excluded.band_lower, starts = excluded.starts, "
    "next_due = excluded.next_due, last_proof = excluded.last_proof, proof_lapsed = excluded.proof_lapsed, "
    "ineligible = excluded.ineligible, resident = excluded.resident, "
    "revision = allowance_elders.revision + 1"
)


def values(s: d.Elder, next_due: Period) -> tuple[object, ...]:
    assert s.elder_id is not None and s.last_proof is not None
    return (
        s.elder_id,
        s.born,
        s.home,
        s.status.value,
        s.band,
        s.band_lower,
        s.starts,
        str(next_due),
        s.last_proof,
        s.proof_lapsed,
        s.ineligible,
        s.resident,
        s.dibao,
        s.monthly_income_fen,
    )


async def insert(conn: Connection, s: d.Elder, next_due: Period) -> None:
    """A new elder's row (the primary key is the backstop of one elder per person)."""
    await conn.execute(_INSERT, *values(s, next_due))


async def save(conn: Connection, s: d.Elder, next_due: Period) -> None:
    await conn.execute(_UPSERT, *values(s, next_due))


async def save_many(conn: Connection, states: Sequence[tuple[d.Elder, Period]]) -> None:
    if states:
        await conn.executemany(_UPSERT, [values(s, p) for s, p in states])


async def look_again(conn: Connection, s: d.Elder, period: Period) -> None:
    """The row after a unit other than the check: the state, due again at ``period`` at the latest."""
    assert s.elder_id is not None
    due = await conn.fetchval("SELECT next_due FROM allowance_elders WHERE elder_id = $1", s.elder_id)
    await save(conn, s, period if due is None or str(period) < due else Period.parse(due))


async def reschedule(conn: Connection, due: Sequence[tuple[str, int, str]]) -> None:
    """Move ``(elder_id, revision, next_due)`` rows on, in one statement (a bookkeeping write: no
    event). A row a unit saved since it was selected (another ``revision``) is left as that unit
    left it: its state is newer than the one the check looked at."""
    if due:
        await conn.execute(
            "UPDATE allowance_elders e SET next_due = u.due "
            "FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(id, revision, due) "
            "WHERE e.elder_id = u.id AND e.revision = u.revision",
            [x[0] for x in due],
            [x[1] for x in due],
            [x[2] for x in due],
        )


def elder_of(r: Any) -> d.Elder:
    """The state the check needs, from a row (an ``asyncpg.Record``; for the selection only: a
    decision reloads the stream)."""
    status = r["status"]
    return d.Elder(
        elder_id=r["elder_id"],
        born=r["born"],
        residence=r["residence"],
        home=r["residence"],
        dibao=r["dibao"],
        monthly_income_fen=r["monthly_income_fen"],
        resident=r["resident"],
        last_proof=r["last_proof"],
        proof_lapsed=r["proof_lapsed"],
        ineligible=r["ineligible"],
        band=r["band"],
        band_lower=r["band_lower"],
        starts=r["starts"],
        paying=status == "active",
        died_on=date(1900, 1, 1) if status == "deceased" else None,
        last_period="ended" if status == "ended" else None,
    )
