"""The institutions area's guard tables, written only by the units that record the matching events,
in their transaction (``adapters/institutions/schema.py`` creates them):

- ``institution_beds (institution_id, beds, occupied, CHECK (0 <= occupied <= beds))``: a bed is
  taken by an admission's conditional update (``occupied < beds``), so concurrent admissions
  queue on the row and never overfill it; removing beds locks the row and never goes below
  ``occupied`` (the CHECK is the backstop, a refusal, never a 500);
- ``institution_stays (residency_id, person_token, institution_id, open)`` with one *open* stay
  per person (a partial unique index): a person lives in at most one institution. The person is
  the kit's keyed pseudonym, never the resident ID;
- ``institution_standing`` (the service's table, the inspections area's to update): read
  ``FOR SHARE`` by an admission, so no suspension or closure commits past it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from minzheng_eventstore.errors import ConcurrencyError
from minzheng_eventstore.store import Connection
from minzheng_kernel.errors import Conflict

from ...domain.institutions.residency import Standing


@contextmanager
def refused_as(code: str, message: str, *, field: str | None = None) -> Iterator[None]:
    """A CHECK violation in the block is a refusal (409 ``code``)."""
    try:
        yield
    except asyncpg.CheckViolationError as exc:
        raise Conflict(code, message, field=field) from exc


async def insert_institution(
    conn: Connection, *, institution_id: str, kind: str, township: str, beds: int, since: object
) -> None:
    """The new institution's standing (not suspended, not closed) and beds rows."""
    await conn.execute(
        "INSERT INTO institution_standing (institution_id, kind, township, since) VALUES ($1, $2, $3, $4)",
        institution_id,
        kind,
        township,
        since,
    )
    await conn.execute(
        "INSERT INTO institution_beds (institution_id, beds, occupied) VALUES ($1, $2, 0)",
        institution_id,
        beds,
    )


async def standing_for_share(conn: Connection, institution_id: str) -> Standing | None:
    row = await conn.fetchrow(
        "SELECT institution_id, kind, township, admissions_suspended, closed FROM institution_standing "
        "WHERE institution_id = $1 FOR SHARE",
        institution_id,
    )
    return None if row is None else Standing(*row)


async def occupied_for_update(conn: Connection, institution_id: str) -> int:
    value = await conn.fetchval(
        "SELECT occupied FROM institution_beds WHERE institution_id = $1 FOR UPDATE", institution_id
    )
    return int(value or 0)


async def set_beds(conn: Connection, institution_id: str, beds: int) -> None:
    with refused_as("beds_occupied", "an institution keeps at least its occupied beds", field="change"):
        await conn.execute(
            "UPDATE institution_beds SET beds = $2 WHERE institution_id = $1", institution_id, beds
        )


async def take_bed(conn: Connection, institution_id: str) -> None:
    """One bed taken, or 409 ``no_free_bed``: concurrent admissions queue on the row's lock and each
    sees the count the one before it committed."""
    taken = await conn.fetchval(
        "UPDATE institution_beds SET occupied = occupied + 1 "
        "WHERE institution_id = $1 AND occupied < beds RETURNING occupied",
        institution_id,
    )
    if taken is None:
        raise Conflict("no_free_bed", "every bed of this institution is occupied", field="institution_id")


async def open_stay(conn: Connection, *, person_token: str, residency_id: str, institution_id: str) -> None:
    """The person's one open stay, or 409 ``already_resident`` (a concurrent admission of the same
    person waits for the first to commit, then finds its row). When that row is this very
    residency (the same admission re-sent twice at once), the unit is retried: it then finds the
    admission on its stream and answers the original result."""
    opened = await conn.fetchval(
        "INSERT INTO institution_stays (residency_id, person_token, institution_id, open) "
        "VALUES ($1, $2, $3, true) ON CONFLICT (person_token) WHERE open DO NOTHING RETURNING residency_id",
        residency_id,
        person_token,
        institution_id,
    )
    if opened is None:
        twin = await conn.fetchval(
            "SELECT residency_id FROM institution_stays WHERE person_token = $1 AND open", person_token
        )
        if twin == residency_id:
            raise ConcurrencyError(residency_id, -1, -1)
        raise Conflict("already_resident", "this person lives in an institution already", field="resident_id")


async def close_stay(conn: Connection, residency_id: str) -> None:
    """The stay ends: the person's row closed and the bed freed, once."""
    institution_id = await conn.fetchval(
        "UPDATE institution_stays SET open = false WHERE residency_id = $1 AND open RETURNING institution_id",
        residency_id,
    )
    if institution_id is not None:
        await conn.execute(
            "UPDATE institution_beds SET occupied = occupied - 1 WHERE institution_id = $1", institution_id
        )


async def open_stay_of(conn: Connection, person_token: str) -> tuple[str, str] | None:
    """``(institution_id, residency_id)`` of the person's open stay, if any."""
    row = await conn.fetchrow(
        "SELECT institution_id, residency_id FROM institution_stays WHERE person_token = $1 AND open",
        person_token,
    )
    return None if row is None else (row["institution_id"], row["residency_id"])


async def stays_of(conn: Connection, person_token: str) -> list[tuple[str, str]]:
    """Every stay of the person, ``(institution_id, residency_id)``."""
    rows = await conn.fetch(
        "SELECT institution_id, residency_id FROM institution_stays WHERE person_token = $1 "
        "ORDER BY residency_id",
        person_token,
    )
    return [(r["institution_id"], r["residency_id"]) for r in rows]


async def occupancy(conn: Connection) -> dict[str, tuple[int, int, bool, bool]]:
    """Every institution's ``(beds, occupied, admissions_suspended, closed)`` from the guard rows."""
    rows = await conn.fetch(
        "SELECT b.institution_id, b.beds, b.occupied, s.admissions_suspended, s.closed "
        "FROM institution_beds b JOIN institution_standing s USING (institution_id)"
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}
