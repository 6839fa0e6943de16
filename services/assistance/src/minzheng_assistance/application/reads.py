"""Reads of a person's full record, recorded (issue 13, ASVS V7 "log access to sensitive data"):
who read which record, when, in which role and division, with the request's correlation id.

A read that shows resident IDs in full (a household's history to a township caseworker or
reviewer, a county approver or the auditor) writes one row of ``record_reads`` in the transaction
that reads the record: there is no full read without its row. The table is append-only for the
service (nothing updates or deletes it); its rows hold the record's id, never personal data.
"""

from __future__ import annotations

from datetime import datetime

from minzheng_eventstore import Actor
from minzheng_eventstore.store import Connection


async def record_read(conn: Connection, actor: Actor, *, record: str, view: str, at: datetime) -> None:
    """One full read of ``record`` (e.g. ``household/<id>``) through ``view`` (e.g. ``timeline``)."""
    await conn.execute(
        "INSERT INTO record_reads (read_at, reader, roles, division, record, view, correlation_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        at,
        actor.name,
        sorted(actor.roles),
        actor.jurisdiction,
        record,
        view,
        actor.correlation_id,
    )
