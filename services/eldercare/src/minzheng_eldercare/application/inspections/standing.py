"""The ``institution_standing`` guard row (``service.py``): read to find an institution, locked
``FOR UPDATE`` by the units that change it, and updated by the same unit that records
``AdmissionsSuspended``, ``AdmissionsResumed`` or ``InstitutionClosed`` (so an admission, which
reads it ``FOR SHARE``, never commits past a suspension or a closure). The lookups of an
inspection's or an order's institution are written by the units that record them (their ids are
unique across institutions: ``PRIMARY KEY``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from minzheng_eventstore.store import Connection
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_kernel.events import DomainEvent

from ...domain.inspections import events as e


@dataclass(frozen=True, slots=True)
class Standing:
    institution_id: str
    kind: str
    township: str
    admissions_suspended: bool
    closed: bool


async def standing(conn: Connection, institution_id: str, *, lock: bool = False) -> Standing:
    """The institution's row (``lock``: ``FOR UPDATE``, held to the unit's end); 404 without one."""
    row = await conn.fetchrow(
        "SELECT institution_id, kind, township, admissions_suspended, closed FROM institution_standing "
        "WHERE institution_id = $1" + (" FOR UPDATE" if lock else ""),
        institution_id,
    )
    if row is None:
        raise NotFound("institution_not_found", "no such registered institution", field="institution_id")
    return Standing(*row)


async def apply(conn: Connection, institution_id: str, facts: Sequence[DomainEvent]) -> None:
    """The row's change for each escalation fact, in the caller's transaction."""
    for fact in facts:
        match fact:
            case e.AdmissionsSuspended():
                await conn.execute(
                    "UPDATE institution_standing SET admissions_suspended = true, order_id = $2, since = $3 "
                    "WHERE institution_id = $1",
                    institution_id,
                    fact.order_id,
                    datetime.fromisoformat(fact.since),
                )
            case e.AdmissionsResumed():
                await conn.execute(
                    "UPDATE institution_standing SET admissions_suspended = false, order_id = NULL, "
                    "since = $2 WHERE institution_id = $1",
                    institution_id,
                    datetime.fromisoformat(fact.resumed_at),
                )
            case e.InstitutionClosed():
                await conn.execute(
                    "UPDATE institution_standing SET closed = true, since = $2 WHERE institution_id = $1",
                    institution_id,
                    datetime.fromisoformat(fact.closed_at),
                )


async def claim(conn: Connection, table: str, key: str, institution_id: str, field: str) -> None:
    """Write the lookup row of an inspection or order (kept if it is this institution's already;
    409 ``id_reused`` if the id is another institution's)."""
    await conn.execute(f"INSERT INTO {table} VALUES ($1, $2) ON CONFLICT DO NOTHING", key, institution_id)
    owner = await conn.fetchval(f"SELECT institution_id FROM {table} WHERE id = $1", key)
    if owner != institution_id:
        raise Conflict("id_reused", f"this {field} is another institution's", field=field)


async def institution_of(conn: Connection, table: str, key: str, field: str) -> str:
    """The institution of an inspection or an order; 404 if there is none."""
    found = await conn.fetchval(f"SELECT institution_id FROM {table} WHERE id = $1", key)
    if found is None:
        raise NotFound(f"{field.removesuffix('_id')}_not_found", f"no such {field}", field=field)
    return str(found)


INSPECTIONS = "eldercare_inspections"
ORDERS = "eldercare_rectification_orders"
