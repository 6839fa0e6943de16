"""What the eldercare service's HTTP adapters share: the kit's officials, strict request models and
resident-ID rule (``minzheng_eventstore.disclosure``), with the roles that see IDs in full here:
the county approver (who registers elders, admits residents and pays) and the auditor."""

from __future__ import annotations

from minzheng_eventstore.disclosure import OFFICIALS, Disclosure, strict
from minzheng_eventstore.identity import Role

FULL_ID_ROLES = frozenset({Role.COUNTY_APPROVER, Role.AUDITOR})
"""The roles that see a resident ID in full; every other role sees it masked."""

DISCLOSURE = Disclosure(FULL_ID_ROLES)
shown = DISCLOSURE.shown

__all__ = ["DISCLOSURE", "FULL_ID_ROLES", "OFFICIALS", "shown", "strict"]
