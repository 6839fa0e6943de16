"""The service's own tables, besides the event store: guards written with the events, read models."""

from __future__ import annotations

from minzheng_eventstore.host import Migration
from minzheng_eventstore.standards import standards_table_sql

MIGRATIONS = [
    Migration(
        "0001_assistance",
        standards_table_sql("standards")
        + """
        -- The county's known divisions (GB/T 2260): a residence must be one of them.
        CREATE TABLE divisions (code text PRIMARY KEY, name text NOT NULL, level text NOT NULL);
        -- One person is in at most one open case per programme group: written in the same
        -- transaction as the application, so two concurrent applications cannot both take a person.
        CREATE TABLE enrolments (
            resident_id text NOT NULL, grp text NOT NULL, case_id uuid NOT NULL,
            PRIMARY KEY (resident_id, grp));
        CREATE INDEX enrolments_case ON enrolments (case_id);

        -- Read models (projections of the service's own events; dropped and rebuilt at will).
        CREATE TABLE households (
            household_id uuid PRIMARY KEY, programme text NOT NULL, category text NOT NULL,
            status text NOT NULL, residence text NOT NULL, township text NOT NULL,
            persons int NOT NULL, official_relative boolean NOT NULL,
            recheck_due boolean NOT NULL DEFAULT false,
            notice_ends_at timestamptz, open_objections int NOT NULL DEFAULT 0,
            monthly_amount_fen bigint, standard_id text, bases jsonb NOT NULL DEFAULT '[]',
            applied_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
        CREATE INDEX households_status ON households (status, residence);
        CREATE TABLE tekun_cases (
            case_id uuid PRIMARY KEY, residence text NOT NULL, mode text NOT NULL, active boolean NOT NULL);
        CREATE TABLE payments (
            payment_id uuid PRIMARY KEY, programme text NOT NULL, household_id uuid, case_id uuid,
            period text, amount_fen bigint NOT NULL, standard_id text NOT NULL, run_id uuid,
            residence text, issued_at timestamptz NOT NULL);
        CREATE INDEX payments_household ON payments (household_id);
        CREATE INDEX payments_period ON payments (period, programme);
        """,
    ),
    Migration(
        "0002_tekun_person",
        """
        -- A 特困 payment names the person paid: the read model keeps the case's person (the
        -- projection fills it; the cases projected before this migration are filled from their
        -- confirmation event).
        ALTER TABLE tekun_cases ADD COLUMN person text;
        UPDATE tekun_cases t SET person = e.data->>'person'
        FROM events e
        WHERE e.stream_id = 'tekun-' || t.case_id::text AND e.event_type = 'TekunSupportConfirmed';
        """,
    ),
    Migration(
        "0003_pseudonyms_and_claims",
        """
        -- Enrolment rows hold a keyed pseudonym of the person, and medical claim ids are unique
        -- across people and years (a re-sent claim is recognised, another with its id refused).
        -- No deployment has data: rows written before cannot be converted in SQL (the key is not
        -- in the database), so a database that has some is refused: re-create it.
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM enrolments) THEN
                RAISE EXCEPTION 'enrolments hold resident IDs from before 0003: re-create this database';
            END IF;
        END $$;
        COMMENT ON COLUMN enrolments.resident_id IS 'keyed pseudonym (HMAC) of the person, not the ID';
        CREATE TABLE medical_claims (claim_id text PRIMARY KEY, stream_id text NOT NULL);
        """,
    ),
    Migration(
        "0004_record_reads",
        """
        -- Every read of a person's full record (resident IDs unmasked) by an official: who, when,
        -- which record (application/reads.py). Append-only; no personal data in it.
        CREATE TABLE record_reads (
            read_id bigserial PRIMARY KEY, read_at timestamptz NOT NULL, reader text NOT NULL,
            roles text[] NOT NULL, division text, record text NOT NULL, view text NOT NULL,
            correlation_id uuid);
        CREATE INDEX record_reads_record ON record_reads (record, read_at);
        CREATE INDEX record_reads_reader ON record_reads (reader, read_at);
        """,
    ),
    Migration(
        "0005_registry_facts",
        """
        -- The divisions are the registry's (DivisionRecorded, upserted by code): the division it
        -- lies in, when it was established and abolished, and when the record held was made (an
        -- older record never overwrites a newer one).
        ALTER TABLE divisions ADD COLUMN parent text, ADD COLUMN valid_from date,
            ADD COLUMN valid_to date, ADD COLUMN recorded_at timestamptz;
        -- The registry's facts taken in, by business key (death/<registration>, death-of/<person
        -- pseudonym>, marriage/<id>, divorce/<application>): a copy of one with a new event id is
        -- recognised and changes nothing. Written in the consumer's transaction.
        CREATE TABLE registry_facts (
            key text PRIMARY KEY, event_id uuid NOT NULL, received_at timestamptz NOT NULL);
        -- A terminated case is paid for the months before ends_from (a death: its own month).
        ALTER TABLE households ADD COLUMN ends_from text;
        """,
    ),
    Migration(
        "0006_tekun_ends_from",
        """
        -- An ended 特困 case is paid for the months before ends_from (a death: its own month).
        ALTER TABLE tekun_cases ADD COLUMN ends_from text;
        """,
    ),
    Migration(
        "0007_tekun_modes",
        """
        -- A 特困 case's modes by month once one changed from a month on (eldercare's admission to
        -- a 敬老院: centralised from the next month): [{"from": "YYYY-MM" | null, "mode": ...}], in
        -- order; NULL: the mode column holds for every month.
        ALTER TABLE tekun_cases ADD COLUMN modes jsonb;
        """,
    ),
]

READ_MODEL_TABLES = ("households", "tekun_cases", "payments")
