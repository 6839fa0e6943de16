"""The conscript area's guard table: one enlistment per person (by pseudonym, never the ID)."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "veterans_conscripts_0001",
        "CREATE TABLE IF NOT EXISTS veterans_conscripts ("
        "person_token text PRIMARY KEY, conscript_id text NOT NULL UNIQUE)",
    )
]
