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

And how a service's configuration writes them, each row with its event (``set_standard``,
``set_calendar_day``) and how a unit reads them (``standards_table``, ``working_calendar``, in the
unit's own transaction, so a decision and the data it used agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from minzheng_kernel.calendar import WorkingCalendar
from minzheng_kernel.configuration import CalendarDaySet, StandardSet
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.standards import Standard, StandardsTable

from . import deadlines
from .builder import Actor
from .context import ServiceContext
from .host import Migration
from .model import ANY_VERSION
from .store import Connection
from .uow import UnitOfWork

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


class Bounded(Protocol):
    """A parameter a standard may fix: its name (``value``) and the values that keep its rule
    meaningful (``minimum``..``maximum``); a service's ``Parameter`` enum is one."""

    @property
    def value(self) -> str: ...
    @property
    def minimum(self) -> int: ...
    @property
    def maximum(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Bound:
    """A parameter declared by name and bounds (for parameter names built from keys, not an enum)."""

    value: str
    minimum: int
    maximum: int


async def standards_table(uow: UnitOfWork) -> StandardsTable:
    """Every standard, read in the unit's transaction."""
    rows = await load_standards(uow.conn)
    return StandardsTable(Standard(r.parameter, r.jurisdiction, r.effective_from, r.value) for r in rows)


async def working_calendar(uow: UnitOfWork, jurisdiction: str) -> WorkingCalendar:
    """The working-day calendar in force for a place, read in the unit's transaction."""
    return await deadlines.load_calendar(uow.conn, jurisdiction)


def within_county(ctx: ServiceContext, code: str, field: str) -> None:
    """422 ``outside_county`` for a division code that is not the service's county or within it."""
    if not code.startswith(ctx.county):
        raise DomainError("outside_county", f"{code} is not within county {ctx.county}", field=field)


async def set_standard(
    ctx: ServiceContext,
    actor: Actor,
    *,
    parameter: Bounded,
    jurisdiction: str,
    effective_from: date,
    value: int,
) -> Standard:
    """Record a standard for a jurisdiction of the county from a date, with its ``StandardSet``.
    409 ``standard_exists`` for the same parameter, jurisdiction and date; 422
    ``standard_out_of_range`` outside the parameter's bounds; nothing written on a refusal."""
    within_county(ctx, jurisdiction, "jurisdiction")
    actor.require_within(jurisdiction, "jurisdiction")
    if not parameter.minimum <= value <= parameter.maximum:
        raise DomainError(
            "standard_out_of_range",
            f"a {parameter.value} standard is {parameter.minimum}..{parameter.maximum}",
            field="value",
        )
    standard = Standard(parameter.value, jurisdiction, effective_from, value)

    async def unit(uow: UnitOfWork) -> Standard:
        row = StandardRow(parameter.value, jurisdiction, effective_from, value)
        if not await insert_standard(uow.conn, row):
            raise Conflict(
                "standard_exists", f"{standard.standard_id} is already set", field="effective_from"
            )
        built = uow.builder.build([StandardSet(standard.standard_id, value)], jurisdiction=jurisdiction)
        await uow.append("standards", "standards", built, expected_version=ANY_VERSION)
        return standard

    return await ctx.run(actor, unit)


async def set_standards(
    ctx: ServiceContext, actor: Actor, rows: tuple[tuple[Bounded, date, int], ...]
) -> int:
    """Record each ``(parameter, effective_from, value)`` for the county that is not set yet (a
    service's national figures, loaded by its own tool); how many were recorded."""
    recorded = 0
    for parameter, effective_from, value in rows:
        try:
            await set_standard(
                ctx,
                actor,
                parameter=parameter,
                jurisdiction=ctx.county,
                effective_from=effective_from,
                value=value,
            )
            recorded += 1
        except Conflict:
            pass
    return recorded


async def set_calendar_day(
    ctx: ServiceContext, actor: Actor, *, jurisdiction: str, day: date, working: bool, note: str = ""
) -> None:
    """Declare a non-working day or a make-up working day, with its ``CalendarDaySet``; a later
    declaration of the same day replaces the earlier (the events keep both). Declaring what the
    calendar already says records nothing (a demo seed or a bureau's re-sent list adds no event)."""
    within_county(ctx, jurisdiction, "jurisdiction")
    actor.require_within(jurisdiction, "jurisdiction")

    async def unit(uow: UnitOfWork) -> None:
        if not await deadlines.set_calendar_day(uow.conn, jurisdiction, day, working=working, note=note):
            return
        fact = CalendarDaySet(jurisdiction, day.isoformat(), working, note)
        built = uow.builder.build([fact], jurisdiction=jurisdiction)
        await uow.append("calendar", "calendar", built, expected_version=ANY_VERSION)

    await ctx.run(actor, unit)


__all__ = [
    "Bound",
    "Bounded",
    "StandardRow",
    "insert_standard",
    "load_standards",
    "set_calendar_day",
    "set_standard",
    "set_standards",
    "standards_migration",
    "standards_table",
    "standards_table_sql",
    "within_county",
    "working_calendar",
]
