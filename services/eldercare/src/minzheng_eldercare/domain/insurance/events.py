"""The accident insurance's events (老年人意外伤害保险).

``AccidentInsuranceEnrolled`` is one elder enrolled for one policy year, the premium paid by the
state: the first and only event of ``payment-insurance-<elder>-<year>`` (the kit's exactly-once
payment streams), published as ``PaymentIssued`` v2, programme
``eldercare_accident_insurance_premium``, the insured elder as the beneficiary (the contract names
the person a payment is for; the state pays the premium on the elder's behalf).
``InsuranceEnrolmentCompleted`` records what one enrolment did, in ``insurance-enrolment-<year>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_kernel.events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class AccidentInsuranceEnrolled(DomainEvent):
    """An elder enrolled for a policy year; the premium by the standard in force on 1 January."""

    payment_id: str
    elder_id: str
    policy_year: int
    age: int
    """Full years on the policy year's 1 January."""
    premium_fen: int
    standard_id: str
    run_id: str
    residence: str
    beneficiary: str
    """The insured elder (resident ID; never in a response or a log)."""


@dataclass(frozen=True, slots=True)
class InsuranceEnrolmentCompleted(DomainEvent):
    """What one enrolment of a policy year did: enrolled now, found enrolled, skipped by reason."""

    run_id: str
    policy_year: int
    considered: int
    enrolled: int
    already_enrolled: int
    total_fen: int
    skipped: dict[str, int]


INSURANCE_EVENTS = EventTypes(AccidentInsuranceEnrolled, InsuranceEnrolmentCompleted)

__all__ = ["INSURANCE_EVENTS", "AccidentInsuranceEnrolled", "InsuranceEnrolmentCompleted"]
