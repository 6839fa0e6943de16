"""Who may do what in social assistance: the service's one permission table (DESIGN §5b).

Every route declares exactly one of these permissions (``permit(...)``); the kit adds
``operations.metrics`` (operator) for ``/metrics``. The roles follow the county's 低保 procedure
(申请 → 入户调查 → 家庭经济状况核对 → 民主评议 → 镇街初审 → 公示 → 县级审批):

- **Applications and data entry** (``household.apply``, ``household.withdraw``,
  ``objection.raise``): the village assistant (村协理员) and the township caseworker (乡镇经办人)
  take the application, a withdrawal at the household's request and an objection raised at the
  notice board. The annual recheck's new incomes (``household.recheck``) are entered by the
  township caseworker.
- **Review steps**, one permission per step (each step is its own route):
  the township caseworker records the home investigation and the economic-status check
  (``household.investigate``, ``household.check_economy``); the township reviewer (乡镇审核人)
  the democratic appraisal, the township review and the close-relative review
  (``household.appraise``, ``household.review_township``, ``household.review_relative``).
- **The public notice** (``household.notice``): the township caseworker posts it.
  **Objections** are resolved by the township reviewer (``objection.resolve``).
- **County decisions** by the county approver (县级审批人): approval, rejection, suspension and
  resumption (``household.approve``, ``household.reject``, ``household.suspend``,
  ``household.resume``), the monthly payment run and a household's back payment
  (``payment.run``, ``payment.household``), 特困 confirmation and its mode of support
  (``tekun.confirm``, ``tekun.mode``: 特困人员认定 is the county's). Whoever recorded a
  household's home investigation cannot approve it (maker-checker, in ``domain/household.py``).
- **One-off aid**: temporary aid (``aid.temporary``) is a discretionary grant within the limit in
  force, granted by the township reviewer or the county approver (the county's 授权乡镇审批);
  a medical-aid claim (``aid.medical``) is the caseworker's entry of receipts, paid by rule up to
  the annual cap (the township caseworker or the county approver).
- **Standards** (``standard.set``): the county standards officer (县级标准管理员); a standard takes
  effect today or later. A standard from a past date is a correction (``standard.correct``): by a
  county approver, with a reason recorded on the event. The divisions are the registry's
  (``DivisionRecorded``, consumed): nobody registers one here.
- **Reads**: a household, its history, its overpayments, payments, notices (``household.read``,
  ``household.timeline``, ``overpayment.read``, ``payment.read``, ``notice.read``) by the
  officials who work cases (village assistant, township caseworker and reviewer, county
  approver) and the auditor (审计:
  read-only, full history); the configuration and aggregates (``division.read``,
  ``standard.read``, ``roll.read``, ``payment.summary``) by every official role and the auditor.
  Every read stays bounded by the caller's division.
- **Personal data** (``PERSONAL_DATA_ROLES``): resident IDs in a household's history are shown in
  full only to the roles that decide on a person — township caseworker and reviewer, county
  approver — and to the auditor; everyone else (the village assistant) sees them masked
  (``330727********123X``). Every read of a full record by one of these roles is recorded
  (``record_reads``: who, when, which record).
- **Not here**: the operator sees only operations (health, readiness, metrics), no case data;
  provincial integration receives the published events, not this API.

Jurisdiction (which places a permitted caller reaches) is not in this table: the handlers and
queries bound every command and read by the token's division (``application/jurisdiction.py``).
"""

from __future__ import annotations

from minzheng_eventstore.access import Policy
from minzheng_eventstore.identity import Role

from ..domain.household import Step

DATA_ENTRY = frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER})
CASEWORKER = frozenset({Role.TOWNSHIP_CASEWORKER})
REVIEWER = frozenset({Role.TOWNSHIP_REVIEWER})
COUNTY = frozenset({Role.COUNTY_APPROVER})
STANDARDS = frozenset({Role.STANDARDS_OFFICER})
CASE_READERS = frozenset(
    {
        Role.VILLAGE_ASSISTANT,
        Role.TOWNSHIP_CASEWORKER,
        Role.TOWNSHIP_REVIEWER,
        Role.COUNTY_APPROVER,
        Role.AUDITOR,
    }
)
READERS = CASE_READERS | {Role.STANDARDS_OFFICER}

PERSONAL_DATA_ROLES = frozenset(
    {Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.AUDITOR}
)
"""The roles that see resident IDs in full (each such read of a full record is recorded)."""

STEP_PERMISSIONS = {
    Step.INVESTIGATION: "household.investigate",
    Step.ECONOMIC_CHECK: "household.check_economy",
    Step.APPRAISAL: "household.appraise",
    Step.TOWNSHIP_REVIEW: "household.review_township",
    Step.RELATIVE_REVIEW: "household.review_relative",
}
"""The permission of each review step's route (``POST /households/{hid}/steps/<step>``)."""

ASSISTANCE_POLICY = Policy(
    {
        # configuration
        "division.read": READERS,
        "standard.set": STANDARDS,
        "standard.correct": COUNTY,
        "standard.read": READERS,
        # the 低保 case
        "household.apply": DATA_ENTRY,
        "household.read": CASE_READERS,
        "household.timeline": CASE_READERS,
        "overpayment.read": CASE_READERS,
        STEP_PERMISSIONS[Step.INVESTIGATION]: CASEWORKER,
        STEP_PERMISSIONS[Step.ECONOMIC_CHECK]: CASEWORKER,
        STEP_PERMISSIONS[Step.APPRAISAL]: REVIEWER,
        STEP_PERMISSIONS[Step.TOWNSHIP_REVIEW]: REVIEWER,
        STEP_PERMISSIONS[Step.RELATIVE_REVIEW]: REVIEWER,
        "household.notice": CASEWORKER,
        "objection.raise": DATA_ENTRY,
        "objection.resolve": REVIEWER,
        "household.approve": COUNTY,
        "household.reject": COUNTY,
        "household.recheck": CASEWORKER,
        "household.suspend": COUNTY,
        "household.resume": COUNTY,
        "household.withdraw": DATA_ENTRY,
        "notice.read": CASE_READERS,
        "roll.read": READERS,
        # payments
        "payment.run": COUNTY,
        "payment.household": COUNTY,
        "payment.read": CASE_READERS,
        "payment.summary": READERS,
        # other aid
        "tekun.confirm": COUNTY,
        "tekun.mode": COUNTY,
        "aid.temporary": REVIEWER | COUNTY,
        "aid.medical": CASEWORKER | COUNTY,
    }
)
