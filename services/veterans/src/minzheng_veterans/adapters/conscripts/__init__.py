"""Conscripts' family allowance (义务兵家庭优待金): enlistment, merits, end of service, the
allowance run of a period.

Streams ``conscript-<id>``; payments ``payment-<conscript>-<period>`` and
``payment-<conscript>-<merit>-<period>`` (stream type ``conscript-payment``, one event each, a
deterministic id); guard table ``veterans_conscripts`` (one enlistment per person, by pseudonym).
Lists are folded from the streams.

Decided where the rules are silent: each service year's pay period is fixed at enlistment (the
``conscript_allowance_pay_month``-th month of the year, [assume] 1); a year is due when the
conscript still serves on its first day; a merit raises the year it was awarded in, a higher merit
later in that year pays the difference; the run of a period pays the whole county."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role

from ...domain.conscripts.conscript import CONSCRIPT_EVENTS, PAYMENT_EVENTS
from ..common import OFFICIALS
from . import demo, http, publication, schema

AREA = Area(
    name="conscripts",
    events=CONSCRIPT_EVENTS | PAYMENT_EVENTS,
    migrations=schema.MIGRATIONS,
    publishers=publication.PUBLISHERS,
    routers=[http.router],
    permissions={
        "conscripts.file": frozenset({Role.TOWNSHIP_CASEWORKER}),
        "conscripts.pay": frozenset({Role.COUNTY_APPROVER}),
        "conscripts.read": OFFICIALS,
    },
    seed_demo=demo.seed_demo,
)
