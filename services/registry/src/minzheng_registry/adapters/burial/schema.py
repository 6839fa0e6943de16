"""The burial area's tables: the plot-position guard (``application/burial/guards.py``) and the
read table of 低保/特困 recipients fed by the assistance service's contracts
(``application/burial/recipients.py``)."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

SQL = """
CREATE TABLE IF NOT EXISTS registry_burial_positions (
    cemetery_id text NOT NULL, plot text NOT NULL, position int NOT NULL,
    person_token text NOT NULL UNIQUE, registration_id text NOT NULL, assigned_on date NOT NULL,
    PRIMARY KEY (cemetery_id, plot, position), CHECK (position IN (1, 2)));
-- 低保/特困 recipients as the assistance service publishes them (HouseholdApplied: the members;
-- ApprovalGranted / BenefitTerminated: the household's months, in 0002's tables), by person_token.
CREATE TABLE IF NOT EXISTS registry_burial_assistance_households (
    household_id uuid PRIMARY KEY, programme text NOT NULL,
    approved_from date, terminated_after date);
CREATE TABLE IF NOT EXISTS registry_burial_assistance_members (
    household_id uuid NOT NULL, person_token text NOT NULL, PRIMARY KEY (household_id, person_token));
CREATE INDEX IF NOT EXISTS registry_burial_assistance_members_person
    ON registry_burial_assistance_members (person_token);
"""
MIGRATION = Migration("registry_burial_0001", SQL)

RECIPIENT_PERIODS = """
-- each approval and each termination of a household is its own row (a set, not a last value): a
-- re-approval keeps the earlier period, and a termination redriven before its approval still
-- counts. A person was a recipient on a day D when an approval from on or before D is not
-- followed by a termination before D (``application/burial/recipients.was_recipient``).
CREATE TABLE IF NOT EXISTS registry_burial_assistance_approvals (
    household_id uuid NOT NULL, approved_from date NOT NULL, PRIMARY KEY (household_id, approved_from));
CREATE TABLE IF NOT EXISTS registry_burial_assistance_terminations (
    household_id uuid NOT NULL, through date NOT NULL, PRIMARY KEY (household_id, through));
INSERT INTO registry_burial_assistance_approvals (household_id, approved_from)
    SELECT household_id, approved_from FROM registry_burial_assistance_households
    WHERE approved_from IS NOT NULL ON CONFLICT DO NOTHING;
INSERT INTO registry_burial_assistance_terminations (household_id, through)
    SELECT household_id, terminated_after FROM registry_burial_assistance_households
    WHERE terminated_after IS NOT NULL ON CONFLICT DO NOTHING;
ALTER TABLE registry_burial_assistance_households
    DROP COLUMN IF EXISTS approved_from, DROP COLUMN IF EXISTS terminated_after;
"""
MIGRATIONS = [MIGRATION, Migration("registry_burial_0002", RECIPIENT_PERIODS)]
