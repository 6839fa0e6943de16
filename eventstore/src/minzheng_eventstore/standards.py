"""Effective-dated standards per jurisdiction, as data: the table, reading it and writing it.

A standard fixes one parameter (a 低保 standard, a notice period…) for a jurisdiction (a GB/T 2260
division code) from a date on. Standards are never edited: a new row with a later
``effective_from`` supersedes the old one from that day. Which row applies to a place on a day
(the most specific jurisdiction containing the place, then the latest effective date on or before
the day) is a pure lookup that belongs to the service's domain; this module is the storage side:

    MIGRATIONS = [Migration("0001_x", standards_table_sql() + "...")]
    rows = await load_standards(uow.conn)                 # in the command's transaction
    await insert_standard(uow.conn, StandardRow(...))     # False if that standard exists already

The table name is a parameter so that one service can keep more than one table of standards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .host import Migration
from .store import Connection

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class StandardRow:
    """One stored standard: ``parameter`` in ``jurisdiction`` is ``value`` from ``effective_from``."""

    parameter: str
    jurisdiction: str
    effective_from: date
    value: int


def _table(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a table name")
    return name


def standards_table_sql(table: str = "standards") -> str:
    """The DDL of a standards table (to put in a service's migration)."""
    return f"""
        -- Standards are data: effective-dated, per jurisdiction. Written with their event.
        CREATE TABLE {_table(table)} (
            parameter text NOT NULL, jurisdiction text NOT NULL, effective_from date NOT NULL,
            value bigint NOT NULL CHECK (value >= 0), recorded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (parameter, jurisdiction, effective_from));
        """


def standards_migration(migration_id: str, table: str = "standards") -> Migration:
    """A migration that creates only the standards table."""
    return Migration(migration_id, standards_table_sql(table))


async def load_standards(conn: Connection, *, table: str = "standards") -> list[StandardRow]:
    """Every standard of the table, in a stable order (parameter, jurisdiction, date)."""
    rows = await conn.fetch(
        f"SELECT parameter, jurisdiction, effective_from, value FROM {_table(table)} "
        "ORDER BY parameter, jurisdiction, effective_from"
    )
    return [StandardRow(r["parameter"], r["jurisdiction"], r["effective_from"], r["value"]) for r in rows]


async def insert_standard(conn: Connection, row: StandardRow, *, table: str = "standards") -> bool:
    """Record a standard; ``False`` (nothing written) if this parameter, jurisdiction and date is
    set already. Run it in the command's transaction, with the event that records it."""
    inserted = await conn.fetchval(
        f"INSERT INTO {_table(table)} (parameter, jurisdiction, effective_from, value) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
        row.parameter,
        row.jurisdiction,
        row.effective_from,
        row.value,
    )
    return bool(inserted)


__all__ = ["StandardRow", "insert_standard", "load_standards", "standards_migration", "standards_table_sql"]
