"""The entitlement area's guard table: one entitlement per person and category (by pseudonym)."""

from __future__ import annotations

from minzheng_eventstore.host import Migration

MIGRATIONS = [
    Migration(
        "veterans_entitlements_0001",
        "CREATE TABLE IF NOT EXISTS veterans_entitlements ("
        "entitlement_id text PRIMARY KEY, person_token text NOT NULL, category text NOT NULL, "
        "UNIQUE (person_token, category))",
    )
]
