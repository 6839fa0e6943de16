"""Private institutions' operating subsidies (民办养老机构运营补贴), and the list and totals of every
subsidy the service pays (centres' and private institutions').

A month's subsidy for a private institution (its ``institution_standing`` row's kind is
``private``) is the resident-months per care level × the standard in force for the level
(``subsidy.private.<care_level>``, fen per person-month), once per institution and month (stream
``payment-private-<institution>-<YYYY-MM>``, a deterministic id). Internal, like the centres'
payments: ``PaymentIssued`` v2 has no organisation beneficiary (a contract gap).

Decided where the rules are silent: the resident-months per level are declared by the bureau
(申报) in the request, not counted from the residency streams; special care (特护) is paid as full
care in the demo standards [assume]."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role

from ...domain.subsidies.private import PRIVATE_EVENTS
from ..common import OFFICIALS
from . import demo, http

AREA = Area(
    name="subsidies",
    events=PRIVATE_EVENTS,
    routers=[http.router],
    permissions={
        "subsidies.pay": frozenset({Role.COUNTY_APPROVER}),
        "subsidies.read": OFFICIALS,
    },
    seed_demo=demo.seed_demo,
)
