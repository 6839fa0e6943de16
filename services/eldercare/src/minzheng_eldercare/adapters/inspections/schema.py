"""The inspections area's lookup rows: an inspection's and an order's institution (their ids are
unique across institutions), written by the units that record them."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "eldercare_inspections_0001",
        "CREATE TABLE IF NOT EXISTS eldercare_inspections ("
        "id text PRIMARY KEY, institution_id text NOT NULL);"
        "CREATE TABLE IF NOT EXISTS eldercare_rectification_orders ("
        "id text PRIMARY KEY, institution_id text NOT NULL)",
    )
]
