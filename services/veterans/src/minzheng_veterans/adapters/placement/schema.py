"""The placement area's guard table: one reception per person (by pseudonym, never the ID)."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "veterans_soldiers_0001",
        "CREATE TABLE IF NOT EXISTS veterans_soldiers ("
        "person_token text PRIMARY KEY, soldier_id text NOT NULL UNIQUE)",
    )
]
