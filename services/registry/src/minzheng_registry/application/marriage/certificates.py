"""Certificate numbers (证号) and the certificates issued, as guard tables written in the
registering unit's transaction.

Serials are consecutive per (kind, office, year) with no gap and no repeat, also under
concurrency: ``next_number`` increments the counter row (``INSERT … ON CONFLICT DO UPDATE …
RETURNING``); its row lock serialises the units that take a number, and a unit that rolls back
(a refusal, a retried conflict) gives its number back with the rest of its writes. ``certificates``
holds every number issued (the primary key: never twice) with its status, valid or void.

Lock order (no deadlock between units): a unit takes its serial before it appends to any stream.
"""

from __future__ import annotations

from datetime import date

import asyncpg

from minzheng_eventstore.store import Connection
from minzheng_kernel.errors import Conflict, DomainError, NotFound

from ...domain.marriage.rules import MAX_SERIAL, CertificateKind, CertificateNumber

SQL = f"""
CREATE TABLE IF NOT EXISTS registry_certificate_serials (
    kind text NOT NULL, office text NOT NULL, year integer NOT NULL,
    last integer NOT NULL CHECK (last BETWEEN 1 AND {MAX_SERIAL}),
    PRIMARY KEY (kind, office, year));
CREATE TABLE IF NOT EXISTS registry_certificates (
    number text PRIMARY KEY, kind text NOT NULL, subject text NOT NULL,
    status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'void')),
    issued_on date NOT NULL, office text NOT NULL, replaced_by text);
CREATE INDEX IF NOT EXISTS registry_certificates_subject ON registry_certificates (subject);
CREATE TABLE IF NOT EXISTS registry_death_registrations (
    registration_id uuid PRIMARY KEY, stream_id text NOT NULL UNIQUE, office text NOT NULL);
"""

SQL_0003 = """
-- a revoked declaration of death lets the person's death be registered again (same stream)
ALTER TABLE registry_death_registrations DROP CONSTRAINT IF EXISTS registry_death_registrations_stream_id_key;
CREATE INDEX IF NOT EXISTS registry_death_registrations_stream ON registry_death_registrations (stream_id);
"""


async def next_number(conn: Connection, kind: CertificateKind, office: str, year: int) -> CertificateNumber:
    """The next serial of (kind, office, year), taken in the caller's transaction. A township's
    office (9 digits) numbers in the series of its county's registration authority (the number
    carries 6 digits)."""
    office = office[:6]
    try:
        serial = await conn.fetchval(
            "INSERT INTO registry_certificate_serials (kind, office, year, last) VALUES ($1, $2, $3, 1) "
            "ON CONFLICT (kind, office, year) DO UPDATE SET last = registry_certificate_serials.last + 1 "
            "RETURNING last",
            kind.value,
            office,
            year,
        )
    except asyncpg.CheckViolationError:
        raise DomainError(
            "serials_exhausted", f"the office's {kind.value} serials of {year} are used up", field="office"
        ) from None
    return CertificateNumber(kind, office, year, int(serial))


async def issue(conn: Connection, number: CertificateNumber, *, subject: str, on: date) -> None:
    await conn.execute(
        "INSERT INTO registry_certificates (number, kind, subject, issued_on, office) "
        "VALUES ($1, $2, $3, $4, $5)",
        str(number),
        number.kind.value,
        subject,
        on,
        number.office,
    )


async def subject_of(conn: Connection, number: str) -> tuple[str, str]:
    """(subject stream, status) of an issued certificate; 404 ``certificate_not_found``."""
    row = await conn.fetchrow("SELECT subject, status FROM registry_certificates WHERE number = $1", number)
    if row is None:
        raise NotFound("certificate_not_found", "no such certificate was issued", field="number")
    return str(row["subject"]), str(row["status"])


async def void(conn: Connection, number: str, *, replaced_by: str) -> None:
    done = await conn.fetchval(
        "UPDATE registry_certificates SET status = 'void', replaced_by = $2 "
        "WHERE number = $1 AND status = 'valid' RETURNING true",
        number,
        replaced_by,
    )
    if not done:
        raise Conflict("certificate_void", "this certificate is void (it was reissued)", field="number")
