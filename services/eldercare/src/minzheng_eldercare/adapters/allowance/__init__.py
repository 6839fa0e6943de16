"""The old-age allowance (高龄津贴 / 长寿保健金): elders registered by application or an imported
roll, the allowance's automatic start and band changes (the daily check at 00:00 +08:00),
suspension and resumption (moving away and back, a missed and a done proof of life) and the end
at death (the registry's ``DeathRegistered``, durable ``eldercare-deaths-v1``).

Streams ``elder-<pseudonym>`` (stream type ``elder``: one per person, so one elder per person);
the "next change" table ``allowance_elders`` (written by the units that record the elder's
events) lets the daily check select only the elders due in a period. ``AllowanceStarted`` and
``AllowanceEnded`` are published; the rest is internal (the monthly run reads the events).

Decided where the rules are silent: an amount change of the same band (the 2025 raise) is no
event, the run reads the amount in force; a change of the bands themselves is a band change; a
move, and a proof after a lapse, take effect from the next month (``domain.allowance.elder``)."""

from __future__ import annotations

from minzheng_contracts import DeathRegistered
from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef, Subscription

from ...application.allowance.check import run_scheduler
from ...application.allowance.death import on_death_registered
from ...application.allowance.rows import MIGRATION
from ...domain.allowance.events import ELDER_EVENTS
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
    name="allowance",
    events=ELDER_EVENTS,
    publishers=publication.PUBLISHERS,
    migrations=[MIGRATION],
    routers=[http.router],
    permissions={
        "allowance.register": frozenset({Role.COUNTY_APPROVER, Role.TOWNSHIP_CASEWORKER}),
        "allowance.record": frozenset(
            {Role.COUNTY_APPROVER, Role.TOWNSHIP_CASEWORKER, Role.VILLAGE_ASSISTANT}
        ),
        "allowance.check": frozenset({Role.COUNTY_APPROVER}),
        "allowance.read": OFFICIALS,
    },
    subscriptions=[DEATHS],
    background=[BackgroundDef("allowance-check", run_scheduler)],
    seed_demo=demo.seed_demo,
)

__all__ = ["AREA", "DEATHS"]
