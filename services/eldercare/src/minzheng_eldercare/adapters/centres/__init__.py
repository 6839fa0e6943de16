"""Home-care centres (居家养老服务中心) and their subsidies (建设 / 运行 / 就餐补助).

A centre is planned → built → accepted ("完成一个验收一个") → operating (stream ``care-centre-<id>``).
A subsidy round (stream ``subsidy-round-<id>``) names its total and its types' amounts, which add
up to it; its guard rows (``eldercare_round_budget``) hold what each type has left. A centre's
subsidy is the first and only event of ``payment-centre-<kind>-<centre>-<reference>`` with a
deterministic id: once per type, centre and reference, only to an accepted or operating centre.
The list and figures are a read model (``eldercare_care_centres``), one centre and a round are
folded from their streams.

Every event is internal: ``PaymentIssued`` v2 needs a resident or household beneficiary, and these
payments go to an organisation (a contract gap, named in the README).

Decided where the rules are silent: the amount of a centre's payment is the round's allocation
(stated by the bureau, drawn from the round's type), not a per-centre standard (the catalogue has
none); acceptance is the county approver's."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import ProjectionDef

from ...application.centres.payments import ROUND_BUDGET
from ...domain.centres.centre import CENTRE_EVENTS
from ...domain.centres.subsidies import PAYMENT_EVENTS, ROUND_EVENTS
from ..common import OFFICIALS
from . import demo, http, projection

AREA = Area(
    name="centres",
    events=CENTRE_EVENTS | ROUND_EVENTS | PAYMENT_EVENTS,
    migrations=[ROUND_BUDGET, projection.MIGRATION],
    routers=[http.router],
    permissions={
        "centres.record": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "centres.accept": frozenset({Role.COUNTY_APPROVER}),
        "centres.pay": frozenset({Role.COUNTY_APPROVER}),
        "centres.read": OFFICIALS,
    },
    projections=[
        ProjectionDef(
            projection.NAME, projection.project, stream_types=projection.STREAM_TYPES, reset=projection.reset
        )
    ],
    seed_demo=demo.seed_demo,
)
