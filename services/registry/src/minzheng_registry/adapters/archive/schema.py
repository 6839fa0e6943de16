"""The archive's tables: its records (what a re-import finds) and its ledger of people (the
flags' state and the monogamy hook's index), both written in the import's transaction."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "registry_archive_0001",
        """
        -- One row per archive record: a re-import finds it here; its event is in the stream
        -- archive-<import_id>-<chunk>.
        CREATE TABLE registry_archive_record (
            record_id uuid PRIMARY KEY,
            import_id uuid NOT NULL,
            chunk integer NOT NULL,
            kind text NOT NULL CHECK (kind IN ('marriage', 'divorce')),
            registered_on date NOT NULL,
            flags text[] NOT NULL DEFAULT '{}'
        );
        -- A person's historical marriages (by person_token, never a resident ID), open or dissolved:
        -- the flags of a record's own time decide on it, people.open_historical_marriage reads it
        -- by its primary key.
        CREATE TABLE registry_archive_person (
            person_token text NOT NULL,
            record_id uuid NOT NULL,
            spouse_token text NOT NULL,
            registered_on date NOT NULL,
            dissolved_on date,
            dissolved_by uuid,
            PRIMARY KEY (person_token, record_id),
            CHECK ((dissolved_on IS NULL) = (dissolved_by IS NULL))
        );
        """,
    )
]
