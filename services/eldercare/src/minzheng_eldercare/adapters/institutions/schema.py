"""The institutions area's guard tables (``application.institutions.guards`` says who writes them)."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "eldercare_institutions_0001",
        """
        CREATE TABLE IF NOT EXISTS institution_beds (
            institution_id text PRIMARY KEY,
            beds integer NOT NULL,
            occupied integer NOT NULL DEFAULT 0,
            CHECK (occupied >= 0 AND occupied <= beds)
        );
        CREATE TABLE IF NOT EXISTS institution_stays (
            residency_id text PRIMARY KEY,
            person_token text NOT NULL,
            institution_id text NOT NULL,
            open boolean NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS institution_stays_one_open
            ON institution_stays (person_token) WHERE open;
        CREATE INDEX IF NOT EXISTS institution_stays_person ON institution_stays (person_token);
        """,
    )
]
