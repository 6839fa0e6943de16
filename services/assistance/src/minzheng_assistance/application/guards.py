"""What a command checks or writes on its transaction besides its streams: the county's divisions,
the standards in force, and the enrolment rows (one open case per person and programme group)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from minzheng_eventstore import standards as stored
from minzheng_eventstore.errors import Conflict, DomainError
from minzheng_eventstore.store import Connection

from ..domain.standards import Parameter, Standard, StandardsTable


async def standards_table(conn: Connection) -> StandardsTable:
    """Every standard, read in the command's transaction."""
    return StandardsTable(
        Standard(Parameter(r.parameter), r.jurisdiction, r.effective_from, r.value)
        for r in await stored.load_standards(conn)
    )


async def require_division(conn: Connection, county: str, code: str, field: str) -> None:
    """``code`` is the county or a division registered in it."""
    if not code.startswith(county):
        raise DomainError("outside_county", f"{code} is not within county {county}", field=field)
    if code != county and not await conn.fetchval("SELECT 1 FROM divisions WHERE code = $1", code):
        raise DomainError(
            "unknown_division", f"division code {code} is not known in this county", field=field
        )


async def enrol(
    conn: Connection,
    group: str,
    people: Sequence[str],
    case_id: uuid.UUID,
    *,
    code: str,
    message: str,
    field: str,
) -> None:
    """Take ``people`` into ``case_id``; refused (``code``, ``message``, ``field`` with ``{index}``
    the person's place in ``people``) if one of them is in another open case of the group.
    Two concurrent commands that both pass the check collide on the primary key: the unit of work
    retries, and the loser sees the winner's row."""
    taken = await conn.fetch(
        "SELECT resident_id FROM enrolments WHERE grp = $1 AND resident_id = ANY($2::text[]) "
        "AND case_id <> $3",
        group,
        list(people),
        case_id,
    )
    if taken:
        index = list(people).index(taken[0]["resident_id"])
        raise Conflict(code, message, field=field.format(index=index))
    await conn.executemany(
        "INSERT INTO enrolments (resident_id, grp, case_id) VALUES ($1, $2, $3)",
        [(person, group, case_id) for person in people],
    )


async def release(conn: Connection, case_id: uuid.UUID, *, person: str | None = None) -> None:
    """The case is closed (or one person left it): its people may open another."""
    if person is None:
        await conn.execute("DELETE FROM enrolments WHERE case_id = $1", case_id)
    else:
        await conn.execute("DELETE FROM enrolments WHERE case_id = $1 AND resident_id = $2", case_id, person)
