"""The monthly pension run and back-pay (抚恤金按月发放 · 补发).

Streams: ``payment-<entitlement>-<YYYY-MM>`` (one ``PensionPaid``), the back-payment after a late
raise ``payment-<entitlement>-<digest>-backpay`` (one ``PensionBackPaid``), stream type
``payment``, each with a deterministic event id (``application.pensions.streams``); a run's
summary ``pension-run-<YYYY-MM>``. Read models: the ledger ``veterans_pension_ledger`` (projection
``veterans-pension-ledger``) and the roll ``veterans_pension_roll`` (projection
``veterans-pension-roll``: each entitlement's state folded by the entitlement area's ``evolve``),
which the run selects its entitlements from, brought up to date first (``application.pensions.
roll_reads``; the same answer as the entitlement area's roll, ``application.pensions.roll``).

Decided where the rules are silent: a month's standard is the one in force on its 1st; the
stacking standard ``pension.stacking`` (0 only the highest, ties to the smallest entitlement id)
is required for the month, or the run is refused before anything is paid; a missing standard for
one category skips those entitlements with the reason and pays the rest; a back-payment makes up
the months already paid (never a month not paid) and never takes back (a lower standard owes
nothing here); the months paid come from the payment streams for a command
(``application.pensions.paid.months_paid``), from the ledger for a run's selection.
"""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import ProjectionDef

from ...application.pensions.standards import load_pension_standards
from ...domain.pensions.events import PENSION_EVENTS
from ..common import OFFICIALS
from . import http, ledger, roll
from .publication import PUBLISHERS


async def seed_demo(ctx: ServiceContext) -> None:
    await load_pension_standards(ctx)


AREA = Area(
    name="pensions",
    events=PENSION_EVENTS,
    publishers=PUBLISHERS,
    migrations=[*ledger.MIGRATIONS, *roll.MIGRATIONS],
    routers=[http.router],
    permissions={
        "pension.run": frozenset({Role.COUNTY_APPROVER}),
        "pension.read": OFFICIALS,
        "pension.ledger": frozenset({Role.PROVINCIAL, Role.AUDITOR, Role.COUNTY_APPROVER}),
    },
    projections=[
        ProjectionDef(ledger.NAME, ledger.project, stream_types=ledger.STREAM_TYPES, reset=ledger.reset),
        ProjectionDef(roll.NAME, roll.project, stream_types=roll.STREAM_TYPES, reset=roll.reset),
    ],
    seed_demo=seed_demo,
)
