"""What the registry's HTTP adapters share: the kit's officials, strict request models and
resident-ID rule (``minzheng_eventstore.disclosure``), with the registry's own roles that see IDs
in full.

Each area keeps its own bounded types (its dates, texts and paths differ with its records)."""

from __future__ import annotations

from minzheng_eventstore.disclosure import OFFICIALS, Disclosure, strict
from minzheng_eventstore.identity import Role

FULL_ID_ROLES = frozenset({Role.REGISTRAR, Role.COUNTY_APPROVER, Role.AUDITOR})
"""The roles that see a resident ID in full; every other role sees it masked."""

DISCLOSURE = Disclosure(FULL_ID_ROLES)
sees_full_ids = DISCLOSURE.sees_full_ids
shown = DISCLOSURE.shown

__all__ = ["DISCLOSURE", "FULL_ID_ROLES", "OFFICIALS", "sees_full_ids", "shown", "strict"]
