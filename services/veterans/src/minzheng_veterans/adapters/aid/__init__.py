"""Other aid as one-off grants (医疗及其他补助): outpatient, inpatient, holiday visits, hardship.

Payments ``payment-<kind>-<person>-<reference>`` (stream type ``aid-payment``, the person by
pseudonym, one event each with a deterministic id): once per business key. Lists and totals are
read from the payment streams.

Decided where the rules are silent: the keys (outpatient and hardship per person and year,
inpatient per stay, holiday visits per person, festival and year); the inpatient subsidy is a
percentage of the out-of-pocket cost up to a cap; hardship relief is assessed up to a cap; the
payee's entitlement is not checked here (the entitled-person roll is another area's)."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role

from ...domain.aid.grants import AID_EVENTS
from ..common import OFFICIALS
from . import demo, http, publication

AREA = Area(
    name="aid",
    events=AID_EVENTS,
    publishers=publication.PUBLISHERS,
    routers=[http.router],
    permissions={
        "aid.pay": frozenset({Role.COUNTY_APPROVER}),
        "aid.read": OFFICIALS,
    },
    seed_demo=demo.seed_demo,
)
