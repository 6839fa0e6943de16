"""Private institutions' operating subsidies (民办养老机构运营补贴), and the list and totals of every
subsidy the service pays (centres' and private institutions').

A month's subsidy for a private institution (its ``institution_standing`` row's kind is
``private``) is the resident-months per care level × the standard in force for the level
(``subsidy.private.<care_level>``, fen per person-month), once per institution and month (stream
``payment-private-<institution>-<YYYY-MM>``, a deterministic id). Internal, like the centres'
payments: ``PaymentIssued`` v2 has no organisation beneficiary (a contract gap). Every payment,
the centres' too, is a row of the subsidy ledger (``eldercare_subsidies``, a read model) that
``GET /subsidies`` and the totals read.

Decided where the rules are silent: the resident-months per level are declared by the bureau
(申报) in the request, not counted from the residency streams; special care (特护) is paid as full
care in the demo standards [assume]."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import ProjectionDef

from ...domain.subsidies.private import PRIVATE_EVENTS
from ..common import OFFICIALS
from . import demo, http, ledger

AREA = Area(
    name="subsidies",
    events=PRIVATE_EVENTS,
    migrations=[ledger.MIGRATION],
    routers=[http.router],
    permissions={
        "subsidies.pay": frozenset({Role.COUNTY_APPROVER}),
        "subsidies.read": OFFICIALS,
    },
    projections=[
        ProjectionDef(ledger.NAME, ledger.project, stream_types=ledger.STREAM_TYPES, reset=ledger.reset)
    ],
    seed_demo=demo.seed_demo,
)
