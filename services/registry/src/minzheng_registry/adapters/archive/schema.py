"""The archive's tables: its records (what a re-import finds) and its ledger of people (the
flags' state and the monogamy hook's index), both written in the import's transaction, and the
count of import units entered (what tells a unit decided early that the archive is still what it
decided on: ``application.archive.units``)."""

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
    ),
    Migration(
        "registry_archive_0002",
        """
        -- How many units of import have entered the archive: raised by each unit, holding the
        -- archive's lock, in its transaction. A unit decided on what the unit before it read
        -- checks it finds the count that unit left: no other import entered anything in between.
        CREATE TABLE registry_archive_writes (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            units bigint NOT NULL
        );
        INSERT INTO registry_archive_writes (units) VALUES (0);
        """,
    ),
]
