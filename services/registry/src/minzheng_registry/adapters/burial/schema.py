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
-- ApprovalGranted / BenefitTerminated: the household's months), by person_token.
CREATE TABLE IF NOT EXISTS registry_burial_assistance_households (
    household_id uuid PRIMARY KEY, programme text NOT NULL,
    approved_from date, terminated_after date);
CREATE TABLE IF NOT EXISTS registry_burial_assistance_members (
    household_id uuid NOT NULL, person_token text NOT NULL, PRIMARY KEY (household_id, person_token));
CREATE INDEX IF NOT EXISTS registry_burial_assistance_members_person
    ON registry_burial_assistance_members (person_token);
"""
MIGRATION = Migration("registry_burial_0001", SQL)
