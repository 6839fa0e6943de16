"""What a command checks or writes on its transaction besides its streams: the county's divisions,
the standards in force, the enrolment rows (one open case per person and programme group) and the
medical claim ids (one claim per id, whoever it is for).

Enrolment rows hold a keyed pseudonym of the person (``ENROLMENT_PURPOSE``), not the resident ID: a
unique violation's detail, a log line or a dump of the table gives nothing away."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime

from minzheng_eventstore import payments
from minzheng_eventstore import standards as stored
from minzheng_eventstore.errors import Conflict, DomainError
from minzheng_eventstore.pseudonym import Pseudonyms
from minzheng_eventstore.store import Connection, EventStore

from ..domain.standards import Parameter, Standard, StandardsTable


async def standards_table(conn: Connection) -> StandardsTable:
    """Every standard, read in the command's transaction."""
    return StandardsTable(
        Standard(Parameter(r.parameter), r.jurisdiction, r.effective_from, r.value)
        for r in await stored.load_standards(conn)
    )


async def require_division(conn: Connection, county: str, code: str, field: str, *, on: date) -> None:
    """``code`` is the county or a division the registry recorded in it, in force ``on`` (the
    county's date): established by then (``valid_from``) and not abolished (``valid_to``)."""
    if not code.startswith(county):
        raise DomainError("outside_county", f"{code} is not within county {county}", field=field)
    if code == county:
        return
    row = await conn.fetchrow("SELECT valid_from, valid_to FROM divisions WHERE code = $1", code)
    if row is None:
        raise DomainError(
            "unknown_division", f"division code {code} is not known in this county", field=field
        )
    if row["valid_to"] is not None and row["valid_to"] <= on:
        raise DomainError(
            "division_abolished",
            f"division {code} was abolished from {row['valid_to'].isoformat()}",
            field=field,
        )
    if row["valid_from"] is not None and row["valid_from"] > on:
        raise DomainError(
            "division_not_established",
            f"division {code} is established from {row['valid_from'].isoformat()}",
            field=field,
        )


async def first_report(conn: Connection, key: str, event_id: object, *, at: datetime) -> bool:
    """Record that the registry's fact ``key`` (its business key: ``death/<registration_id>``,
    ``marriage/<marriage_id>``…) arrived, in the consumer's transaction: ``False`` if it had
    already (a copy with another ``event_id``), and then nothing is to change."""
    inserted = await conn.fetchval(
        "INSERT INTO registry_facts (key, event_id, received_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (key) DO NOTHING RETURNING true",
        key,
        event_id,
        at,
    )
    return bool(inserted)


ENROLMENT_PURPOSE = "enrolment"


async def enrol(
    conn: Connection,
    pseudonyms: Pseudonyms,
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
    tokens = [pseudonyms.token(ENROLMENT_PURPOSE, person) for person in people]
    taken = await conn.fetch(
        "SELECT resident_id FROM enrolments WHERE grp = $1 AND resident_id = ANY($2::text[]) "
        "AND case_id <> $3",
        group,
        tokens,
        case_id,
    )
    if taken:
        index = tokens.index(taken[0]["resident_id"])
        raise Conflict(code, message, field=field.format(index=index))
    await conn.executemany(
        "INSERT INTO enrolments (resident_id, grp, case_id) VALUES ($1, $2, $3)",
        [(token, group, case_id) for token in tokens],
    )


async def enrolled_cases(
    conn: Connection, pseudonyms: Pseudonyms, person: str
) -> list[tuple[str, uuid.UUID]]:
    """The open cases ``(group, case id)`` of ``person``."""
    rows = await conn.fetch(
        "SELECT grp, case_id FROM enrolments WHERE resident_id = $1",
        pseudonyms.token(ENROLMENT_PURPOSE, person),
    )
    return [(r["grp"], r["case_id"]) for r in rows]


async def release(
    conn: Connection, case_id: uuid.UUID, *, person: str | None = None, pseudonyms: Pseudonyms | None = None
) -> None:
    """The case is closed (or one person left it): its people may open another."""
    if person is None:
        await conn.execute("DELETE FROM enrolments WHERE case_id = $1", case_id)
    else:
        assert pseudonyms is not None, "one person is released by their pseudonym"
        await conn.execute(
            "DELETE FROM enrolments WHERE case_id = $1 AND resident_id = $2",
            case_id,
            pseudonyms.token(ENROLMENT_PURPOSE, person),
        )


async def medical_claim_stream(conn: Connection, claim_id: str) -> str | None:
    """The stream that paid the claim ``claim_id``, if one did."""
    stream: str | None = await conn.fetchval(
        "SELECT stream_id FROM medical_claims WHERE claim_id = $1", claim_id
    )
    return stream


async def take_medical_claim(conn: Connection, claim_id: str, stream_id: str) -> None:
    """Record that ``stream_id`` pays ``claim_id``. Two concurrent claims with one id collide on the
    primary key: the unit retries and finds the other's row."""
    await conn.execute(
        "INSERT INTO medical_claims (claim_id, stream_id) VALUES ($1, $2)", claim_id, stream_id
    )


PAYMENTS_LOCK = 0x61737369_73740001
"""The advisory lock between paying months and reacting to a death: a payment run or a back
payment holds it shared while it decides and pays, the death consumer exclusively in its
transaction. A month is then either paid before the death is taken in (and the death records it as
overpaid), or decided after it (and not paid from the month after the death)."""


def paying(store: EventStore) -> AbstractAsyncContextManager[None]:
    """Hold ``PAYMENTS_LOCK`` shared (payment runs and back payments run side by side) for the
    whole decision and payment (the kit's ``payments.paying``)."""
    return payments.paying(store, PAYMENTS_LOCK)


async def hold_payments(conn: Connection) -> None:
    """Wait for the payments under way, and hold new ones off until ``conn``'s transaction ends."""
    await payments.hold_payments(conn, PAYMENTS_LOCK)
