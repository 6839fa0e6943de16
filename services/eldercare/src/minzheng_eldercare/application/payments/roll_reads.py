"""Reads of the roll (``adapters.payments.roll``, a projection over the elder streams), each
brought up to date first: the allowances the run selects from, the register the insurance
enrolment selects from."""

from __future__ import annotations

import functools
import json
from typing import Any

from minzheng_contracts.period import Period
from minzheng_eventstore.context import ServiceContext

from ...domain.insurance.eligibility import Registered
from ...domain.payments.roll import Change, RollEntry

NAME = "eldercare-allowance-roll"
"""The roll's projection (``adapters.payments.roll``)."""
TABLE = "eldercare_allowance_roll"


async def _fetch(ctx: ServiceContext, sql: str, *args: Any) -> list[Any]:
    await ctx.projection(NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        return list(await conn.fetch(sql, *args))


@functools.lru_cache(maxsize=4096)
def _changes(raw: str) -> tuple[Change, ...]:
    """A row's changes, parsed once per distinct list (most elders of a county share a handful)."""
    return tuple(Change.from_json(c) for c in json.loads(raw))


@functools.lru_cache(maxsize=1024)
def _period(text: str) -> Period:
    return Period.parse(text)


def entry_of(row: Any) -> RollEntry:
    raw = row["changes"]
    return RollEntry(
        elder_id=row["elder_id"],
        allowance_id=row["allowance_id"],
        person=row["person"],
        residence=row["residence"],
        starts=_period(row["starts"]),
        last_period=_period(row["last_period"]) if row["last_period"] else None,
        changes=_changes(raw if isinstance(raw, str) else json.dumps(raw)),
    )


async def allowances(ctx: ServiceContext) -> list[RollEntry]:
    """Every elder with an allowance started (ended ones too: their last period decides), by id."""
    rows = await _fetch(
        ctx,
        f"SELECT elder_id, allowance_id, person, residence, starts, last_period, changes FROM {TABLE} "
        "WHERE allowance_id IS NOT NULL ORDER BY elder_id",
    )
    return [entry_of(r) for r in rows]


async def allowance_of(ctx: ServiceContext, elder_id: str) -> RollEntry | None:
    rows = await _fetch(
        ctx,
        f"SELECT elder_id, allowance_id, person, residence, starts, last_period, changes FROM {TABLE} "
        "WHERE elder_id = $1 AND allowance_id IS NOT NULL",
        elder_id,
    )
    return entry_of(rows[0]) if rows else None


async def register(ctx: ServiceContext) -> list[Registered]:
    """Every registered elder with a birth date, by id."""
    rows = await _fetch(
        ctx,
        f"SELECT elder_id, person, born, residence, resident, died_on FROM {TABLE} "
        "WHERE born IS NOT NULL ORDER BY elder_id",
    )
    return [
        Registered(r["elder_id"], r["person"], r["born"], r["residence"], r["resident"], r["died_on"])
        for r in rows
    ]


__all__ = ["NAME", "TABLE", "allowance_of", "allowances", "entry_of", "register"]
