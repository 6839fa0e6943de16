"""Who may do what in disaster relief: the service's one permission table (DESIGN §5b).

Every route declares exactly one of these permissions (``permit(...)``); the kit adds
``operations.metrics`` (operator) for ``/metrics``. The roles follow how relief is worked in the
county:

- **Field work** (``incident.report``, ``household.register``, ``relief.deliver``): the village
  assistant (村协理员, data entry on the spot) and the township caseworker (乡镇经办人). They report
  what happened, register the households hit and record what was handed over.
- **Verification** (``incident.verify``, 查灾/核灾): the township reviewer (乡镇审核人) checks a
  report on the ground; the county approver may verify too (a county-wide disaster). Not the
  people who entered the report.
- **Relief stock and funds** (``stock.receive``, ``relief.allocate``): the county approver
  (县级审批人). Warehouses are the county's reserve (救灾物资储备库), and an allocation document
  (拨款文件) is a county decision; a township caseworker records neither. (A warehouse keeper's
  role, if the county wants one for receipts, would be added here and nowhere else.)
- **Reads** (``incident.read``, ``sla.read``, ``stock.read``): every official role — village
  assistant, township caseworker and reviewer, county approver and standards officer — and the
  auditor (read-only, full history). Each read is still bounded by the caller's division.
- **The duty team** (the operator, 值班): besides operations (health, readiness, metrics) it reads
  the SLA boards (``sla.read``: ``GET /sla/board`` and an incident's board, shares and replay),
  which name heads only by name and masked ID; no other case data.
- **Not here**: provincial integration receives the published events, not this API.

Jurisdiction (which places a permitted caller reaches) is not in this table: the handlers and
queries bound every command and read by the token's division (``application/jurisdiction.py``).
"""

from __future__ import annotations

from minzheng_eventstore.access import Policy
from minzheng_eventstore.identity import Role

FIELD = frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER})
VERIFIERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER})
COUNTY = frozenset({Role.COUNTY_APPROVER})
READERS = frozenset(
    {
        Role.VILLAGE_ASSISTANT,
        Role.TOWNSHIP_CASEWORKER,
        Role.TOWNSHIP_REVIEWER,
        Role.COUNTY_APPROVER,
        Role.STANDARDS_OFFICER,
        Role.AUDITOR,
    }
)

DISASTER_POLICY = Policy(
    {
        "incident.report": FIELD,
        "incident.verify": VERIFIERS,
        "incident.read": READERS,
        "household.register": FIELD,
        "relief.deliver": FIELD,
        "relief.allocate": COUNTY,
        "stock.receive": COUNTY,
        "stock.read": READERS,
        "sla.read": READERS | {Role.OPERATOR},
    }
)
