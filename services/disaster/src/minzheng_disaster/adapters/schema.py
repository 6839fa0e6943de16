"""The disaster service's own tables: guard rows written with the events, and read models. The
households' SLA clocks are the shared durable deadlines (kind ``relief-sla``) since 0002; the duty
board's columns (the head's name and masked ID, the report's summary) since 0004."""

from __future__ import annotations

from minzheng_eventstore import deadlines
from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "0001_disaster",
        """
        CREATE TABLE incidents (
            incident_id uuid PRIMARY KEY, disaster_type text NOT NULL, area text[] NOT NULL,
            happened_at timestamptz NOT NULL, reported_at timestamptz NOT NULL, reporter text NOT NULL,
            verified boolean NOT NULL DEFAULT false);
        CREATE TABLE affected (
            incident_id uuid NOT NULL REFERENCES incidents, household_key text NOT NULL,
            stream_id text NOT NULL UNIQUE,
            village text NOT NULL, township text NOT NULL, members int NOT NULL, relocation int NOT NULL,
            damage text NOT NULL, vulnerable boolean NOT NULL, registered_at timestamptz NOT NULL,
            PRIMARY KEY (incident_id, household_key));
        -- Durable SLA clocks, written in the registration's transaction.
        CREATE TABLE sla_clocks (
            stream_id text PRIMARY KEY, incident_id uuid NOT NULL, village text NOT NULL,
            reported_at timestamptz NOT NULL, warn_at timestamptz NOT NULL, deadline timestamptz NOT NULL,
            state text NOT NULL DEFAULT 'pending', warned boolean NOT NULL DEFAULT false,
            first_delivery timestamptz);
        CREATE INDEX sla_due_breach ON sla_clocks (deadline) WHERE state = 'pending';
        CREATE INDEX sla_due_warning ON sla_clocks (warn_at) WHERE state = 'pending' AND NOT warned;
        CREATE INDEX sla_incident ON sla_clocks (incident_id);
        -- SLA terms are data: effective-dated, per jurisdiction (default 24 h / 18 h when none).
        CREATE TABLE sla_terms (
            jurisdiction text NOT NULL, effective_from date NOT NULL, deadline_minutes int NOT NULL,
            warning_minutes int NOT NULL, PRIMARY KEY (jurisdiction, effective_from),
            CHECK (0 < warning_minutes AND warning_minutes < deadline_minutes));
        -- Relief allocated to an incident and what of it was delivered: never more.
        CREATE TABLE allocations (
            incident_id uuid NOT NULL, item text NOT NULL, warehouse text, allocated bigint NOT NULL,
            delivered bigint NOT NULL DEFAULT 0, PRIMARY KEY (incident_id, item),
            CHECK (delivered >= 0 AND delivered <= allocated));
        -- Warehouse stock: never negative, reservations never above what is on hand.
        CREATE TABLE stock (
            warehouse text NOT NULL, item text NOT NULL, on_hand bigint NOT NULL DEFAULT 0,
            reserved bigint NOT NULL DEFAULT 0, PRIMARY KEY (warehouse, item),
            CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand));
        -- Read model fed by the assistance service's contracts: 低保 / 特困 households.
        CREATE TABLE vulnerable (
            household_id uuid PRIMARY KEY, applicant text NOT NULL, residence text NOT NULL,
            programme text NOT NULL, active boolean NOT NULL DEFAULT false);
        CREATE INDEX vulnerable_applicant ON vulnerable (applicant) WHERE active;
        """,
    ),
    deadlines.MIGRATION,
    Migration(
        "0002_sla_clocks_to_deadlines",
        """
        INSERT INTO deadlines
            (kind, subject, jurisdiction, starts_at, warn_at, due_at, state, warned, closed_at)
        SELECT 'relief-sla', stream_id, village, reported_at, warn_at, deadline,
               CASE state WHEN 'breached' THEN 'overdue' ELSE state END, warned,
               CASE WHEN state = 'met' THEN first_delivery END
        FROM sla_clocks ON CONFLICT DO NOTHING;
        DROP TABLE sla_clocks;
        """,
    ),
    Migration(
        "0003_allocations_per_warehouse",
        """
        -- An item may be allocated to an incident from several warehouses: one row per warehouse
        -- ('' for cash), with the time of its first allocation (deliveries draw the oldest first).
        ALTER TABLE allocations DROP CONSTRAINT allocations_pkey;
        UPDATE allocations SET warehouse = '' WHERE warehouse IS NULL;
        ALTER TABLE allocations ALTER COLUMN warehouse SET DEFAULT '',
            ALTER COLUMN warehouse SET NOT NULL,
            ADD COLUMN allocated_at timestamptz NOT NULL DEFAULT '-infinity';
        ALTER TABLE allocations ADD PRIMARY KEY (incident_id, item, warehouse);
        -- The first delivery's claimed and recorded times, and a review flag, for the SLA board.
        ALTER TABLE affected ADD COLUMN delivered_at timestamptz,
            ADD COLUMN delivery_recorded_at timestamptz, ADD COLUMN review text;
        -- A delivery id names one delivery to one household, across every household stream.
        CREATE TABLE delivery_ids (
            delivery_id uuid PRIMARY KEY, incident_id uuid NOT NULL, household text NOT NULL);
        CREATE INDEX incidents_reported ON incidents (reported_at DESC, incident_id);
        """,
    ),
    Migration(
        "0004_duty_board",
        """
        -- The duty team's SLA board (GET /sla/board): the head's name and masked ID on the household
        -- row (never the clear ID: the operator reads it), the report's summary for a title.
        -- Rows registered before: the name was not asked (''), the masked ID from the registration
        -- event (address code and last four characters, as ResidentId.masked gives it).
        ALTER TABLE affected ADD COLUMN head_name text NOT NULL DEFAULT '',
            ADD COLUMN head_id text NOT NULL DEFAULT '';
        UPDATE affected a SET head_name = coalesce(e.data->>'head_name', ''),
            head_id = left(e.data->>'head', 6) || repeat('*', 8) || substr(e.data->>'head', 15)
        FROM events e
        WHERE e.stream_id = a.stream_id AND e.event_type = 'HouseholdRegistered';
        ALTER TABLE incidents ADD COLUMN summary text;
        UPDATE incidents i SET summary = e.data->>'summary'
        FROM events e
        WHERE e.stream_id = 'incident-' || i.incident_id::text AND e.event_type = 'DisasterReported';
        -- open incidents: those with a household still waiting for relief
        CREATE INDEX affected_undelivered ON affected (incident_id) WHERE delivered_at IS NULL;
        """,
    ),
]
