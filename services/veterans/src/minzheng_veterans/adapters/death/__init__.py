"""Death of an entitled person (优抚对象死亡): the reaction to ``registry.death.registered`` and
the death-benefit cases.

Streams ``case-death-<person>`` (stream type ``death-case``, one per person, named by the
entitlements' pseudonym: a second report of the death finds it). The subscription
``veterans-deaths-v1`` consumes the registry's ``DeathRegistered``.

Decided where the rules are silent: one one-off per death, following a disabled entitlement
first, then a survivor's, else the local funeral grant; a case whose standard is not in force on
the date of death waits (``awaiting_standard``) to be determined again; the one-off is published
as ``PaymentIssued`` v2 with the deceased as beneficiary (the payee is recorded in the case); a
recovery task's repayments are recorded against receipts, each receipt once per case; a waiver
writes off the whole rest of one task (never part of it)."""

from __future__ import annotations

from minzheng_contracts import DeathRegistered
from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import Subscription

from ...application.death.policy import on_death_registered
from ...domain.death.case import CASE_EVENTS
from ..common import OFFICIALS
from . import demo, http, publication

DEATHS = Subscription(
    "deaths",
    1,
    "REGISTRY",
    DeathRegistered.SUBJECT,
    on_death_registered,
    contracts=(DeathRegistered,),
    actor="registry-policy",
)

AREA = Area(
    name="death",
    events=CASE_EVENTS,
    publishers=publication.PUBLISHERS,
    routers=[http.router],
    permissions={
        "death.file": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "death.pay": frozenset({Role.COUNTY_APPROVER}),
        "death.recover": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "death.waive": frozenset({Role.COUNTY_APPROVER}),
        "death.read": OFFICIALS,
    },
    subscriptions=[DEATHS],
    seed_demo=demo.seed_demo,
)
