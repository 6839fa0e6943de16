"""The allowance's money side (高龄津贴发放): the roll, the monthly (or annual) run, overpayments.

Streams: ``payment-<elder>-<YYYY-MM>`` (monthly) or ``payment-<elder>-<YYYY>`` (annual mode), one
``AllowancePaid`` each, stream type ``payment``, a deterministic event id
(``application.payments.streams``); an overpayment ``overpayment-<elder>-<key>``; a run's summary
``allowance-run-<YYYY-MM>``. Read models: the roll ``eldercare_allowance_roll`` (projection
``eldercare-allowance-roll``, over the elder streams) and the ledger
``eldercare_allowance_payments`` / ``eldercare_allowance_overpayments``
(``eldercare-allowance-ledger``). A reaction over the elder streams records the overpayments
(``application.payments.overpayments``, a background task, also brought up to date by
``GET /allowance-overpayments``).

Decided where the rules are silent: the band is the roll's; the amount the band's standard in
force on the month's 1st for the elder's residence; the mode and the annual month those in force
on the run month's 1st; a year's payment is one payment for the year's eligible months not yet
paid, each at its own standard (published without a period, as a one-off naming its run); an
overpayment is recorded once per payment that covered months after the last period (its months
and their amount), for any end (death or another), at the end's time.
"""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef, ProjectionDef

from ...application.payments import overpayments
from ...domain.payments.events import PAYMENT_EVENTS
from ..common import OFFICIALS
from . import demo, http, ledger, roll
from .publication import PUBLISHERS

AREA = Area(
    name="payments",
    events=PAYMENT_EVENTS,
    publishers=PUBLISHERS,
    migrations=[*roll.MIGRATIONS, *ledger.MIGRATIONS],
    routers=[http.router],
    permissions={
        "allowance_run.start": frozenset({Role.COUNTY_APPROVER}),
        "allowance_run.read": OFFICIALS,
    },
    projections=[
        ProjectionDef(roll.NAME, roll.project, stream_types=roll.STREAM_TYPES, reset=roll.reset),
        ProjectionDef(ledger.NAME, ledger.project, stream_types=ledger.STREAM_TYPES, reset=ledger.reset),
    ],
    background=[BackgroundDef(overpayments.NAME, overpayments.background)],
    seed_demo=demo.seed_demo,
)

__all__ = ["AREA"]
