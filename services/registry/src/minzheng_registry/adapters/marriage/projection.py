"""Read models of the marriage area (only queried; dropped and rebuilt from the events at will):
marriages by office and year, divorce applications by state."""

from __future__ import annotations

import uuid
from datetime import date

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.store import Connection

NAME = "registry-marriage"
STREAM_TYPES = ("marriage",)

SQL = """
CREATE TABLE IF NOT EXISTS registry_marriages (
    marriage_id uuid PRIMARY KEY, office text NOT NULL, year integer NOT NULL, registered_on date NOT NULL,
    husband text NOT NULL, wife text NOT NULL, certificate_number text NOT NULL, status text NOT NULL);
CREATE INDEX IF NOT EXISTS registry_marriages_office ON registry_marriages (office, year, registered_on);
CREATE TABLE IF NOT EXISTS registry_divorce_applications (
    application_id uuid PRIMARY KEY, marriage_id uuid NOT NULL, office text NOT NULL, state text NOT NULL,
    received_on date NOT NULL, cooling_off_ends date, certificate_deadline date);
CREATE INDEX IF NOT EXISTS registry_divorce_applications_state ON registry_divorce_applications (state);
"""

_CLOSED = {
    "DivorceApplicationWithdrawn": "withdrawn",
    "DivorceApplicationLapsed": "lapsed",
    "DivorceApplicationTerminated": "terminated",
    "DivorceRegistered": "registered",
}


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    for event in events:
        d = event.data
        mid = uuid.UUID(event.stream_id.removeprefix("marriage-"))
        match event.event_type:
            case "MarriageRegistered":
                await conn.execute(
                    "INSERT INTO registry_marriages VALUES ($1, $2, $3, $4, $5, $6, $7, 'registered') "
                    "ON CONFLICT (marriage_id) DO NOTHING",
                    mid,
                    d["office"],
                    int(d["registered_on"][:4]),
                    _date(d["registered_on"]),
                    d["husband"],
                    d["wife"],
                    d["certificate_number"],
                )
            case "CertificateReissued" if d["kind"] == "marriage":
                await conn.execute(
                    "UPDATE registry_marriages SET certificate_number = $2 WHERE marriage_id = $1",
                    mid,
                    d["new_number"],
                )
            case "DivorceApplicationReceived":
                await conn.execute(
                    "INSERT INTO registry_divorce_applications VALUES ($1, $2, $3, 'received', $4, $5, $6) "
                    "ON CONFLICT (application_id) DO NOTHING",
                    uuid.UUID(d["application_id"]),
                    mid,
                    d["office"],
                    _date(d["received_on"]),
                    _date(d["cooling_off_ends"]),
                    _date(d["certificate_deadline"]),
                )
            case "MarriageRevived":
                await conn.execute(
                    "UPDATE registry_marriages SET status = 'registered' WHERE marriage_id = $1", mid
                )
            case "MarriageEndedByDeath":
                await conn.execute(
                    "UPDATE registry_marriages SET status = 'ended_by_death' WHERE marriage_id = $1", mid
                )
        if event.event_type in _CLOSED:
            await conn.execute(
                "UPDATE registry_divorce_applications SET state = $2 WHERE application_id = $1",
                uuid.UUID(d["application_id"]),
                _CLOSED[event.event_type],
            )
        if event.event_type == "DivorceRegistered":
            await conn.execute(
                "UPDATE registry_marriages SET status = 'dissolved_by_divorce' WHERE marriage_id = $1", mid
            )


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


async def reset(conn: Connection) -> None:
    await conn.execute("TRUNCATE registry_marriages, registry_divorce_applications")
