"""Entitled persons (优抚对象): recognition per category, grade and category changes from a month,
suspension, cancellation, transfer between counties; the pension run's roll.

Streams ``entitlement-<id>`` (a random id, kept through a category change); guard
table ``veterans_entitlements`` (one entitlement per person and category, by pseudonym). Lists
are folded from the streams (``application.entitlement.queries``), which also provide the roll
(``application.pensions.roll.provide``).

Decided where the rules are silent: a transfer in is paid from 1 January after the transfer
whatever the approval date; a category change keeps the entitlement's id (the guard row moves to
the new category); a cancelled entitlement is never recognised again in that category (the guard
row stays); grade and category changes, suspensions and resumptions are internal (the roll's
contracts are the start and the cancellation)."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role

from ...domain.entitlement.entitlement import ENTITLEMENT_EVENTS
from ..common import OFFICIALS
from . import demo, http, publication, schema

AREA = Area(
    name="entitlement",
    events=ENTITLEMENT_EVENTS,
    publishers=publication.PUBLISHERS,
    migrations=schema.MIGRATIONS,
    routers=[http.router],
    permissions={
        "entitlement.file": frozenset({Role.TOWNSHIP_CASEWORKER}),
        "entitlement.decide": frozenset({Role.COUNTY_APPROVER}),
        "entitlement.read": OFFICIALS,
    },
    seed_demo=demo.seed_demo,
)
