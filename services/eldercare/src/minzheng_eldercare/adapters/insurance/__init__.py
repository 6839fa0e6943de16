"""The elders' accident insurance (老年人意外伤害保险): ``POST /insurance-enrolments`` enrols a policy
year (``application.insurance.enrol``), ``GET /insurance-enrolments`` lists the enrolled (read
model ``eldercare_insurance_enrolments``, projection ``eldercare-insurance-enrolments``). Each
enrolment is a premium paid by the state, published as ``PaymentIssued`` v2, programme
``eldercare_accident_insurance_premium``, the insured elder as beneficiary (the contract's rule:
a payment names a household or a person; the premium is paid for the elder).

Decided where the rules are silent: the age is the one on the policy year's 1 January; living and
resident as the register knows them when the enrolment runs; the premium the standard in force on
1 January for the elder's residence, required for the county or the enrolment is refused; a policy
year at most one year ahead."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import ProjectionDef

from ...domain.insurance.events import INSURANCE_EVENTS
from ..common import OFFICIALS
from . import http, register
from .publication import PUBLISHERS

AREA = Area(
    name="insurance",
    events=INSURANCE_EVENTS,
    publishers=PUBLISHERS,
    migrations=register.MIGRATIONS,
    routers=[http.router],
    permissions={
        "insurance.enrol": frozenset({Role.COUNTY_APPROVER}),
        "insurance.read": OFFICIALS,
    },
    projections=[
        ProjectionDef(
            register.NAME, register.project, stream_types=register.STREAM_TYPES, reset=register.reset
        )
    ],
)

__all__ = ["AREA"]
