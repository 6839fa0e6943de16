"""County reports (统计报表): what a provincial system consumes, by township and as of a day.

The allowance roll and money by band (the roll's read model, the allowance ledger), beds and
occupancy and beds per 1,000 elderly, open hazards and rectification status (this area's own
dated read model, ``eldercare_report_*``, folded from the institution, residency and oversight
streams), home-care centres and their subsidies (the centres' and subsidies' read models, which
carry the day of each step). Statistical returns imported (stream ``statistical-return-<id>``)
are stored with each total checked against its breakdown, a mismatch flagged, not refused. The
elderly population per township is data: a statistic the bureau posts (stream
``elderly-population-<township>``), in force from its day until the next posting.

Every event is internal (no contract publishes a report)."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import ProjectionDef

from ...domain.reports.returns import REPORT_EVENTS
from ..common import OFFICIALS
from . import demo, http, projection

AREA = Area(
    name="reports",
    events=REPORT_EVENTS,
    migrations=[projection.MIGRATION],
    routers=[http.router],
    permissions={
        "reports.read": OFFICIALS,
        "reports.import": frozenset({Role.COUNTY_APPROVER}),
    },
    projections=[
        ProjectionDef(
            projection.NAME, projection.project, stream_types=projection.STREAM_TYPES, reset=projection.reset
        )
    ],
    seed_demo=demo.seed_demo,
)
