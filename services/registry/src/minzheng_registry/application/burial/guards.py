"""The burial area's guard tables (``adapters/burial/schema.py``), written only by the units
that record the matching events.

``registry_burial_positions``: a plot position is assigned at most once (primary key) and a
deceased person has one grave (``UNIQUE (person_token)``); rows are never deleted (no resale).
A unique violation retries the unit, which then sees the other writer's event and refuses."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore.store import Connection


async def position_of(conn: Connection, person_token: str) -> str | None:
    """``cemetery/plot/position`` of the person's grave, if one is assigned."""
    row = await conn.fetchrow(
        "SELECT cemetery_id, plot, position FROM registry_burial_positions WHERE person_token = $1",
        person_token,
    )
    return None if row is None else f"{row['cemetery_id']}/{row['plot']}/{row['position']}"


async def hold_position(
    conn: Connection,
    *,
    cemetery_id: str,
    plot: str,
    position: int,
    person_token: str,
    registration_id: str,
    assigned_on: date,
) -> None:
    await conn.execute(
        "INSERT INTO registry_burial_positions "
        "(cemetery_id, plot, position, person_token, registration_id, assigned_on) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        cemetery_id,
        plot,
        position,
        person_token,
        registration_id,
        assigned_on,
    )
