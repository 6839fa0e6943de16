"""What the outside world sees: internal events mapped to versioned contracts (``contracts/``).

Each mapper takes the typed event; a mapper that cannot build a valid contract raises, and the
store refuses the command before anything commits (``publication_check``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minzheng_contracts import (
    AmountChanged,
    ApplicationRejected,
    ApprovalGranted,
    BenefitSuspended,
    BenefitTerminated,
    HouseholdApplied,
    IntegrationEvent,
    PaymentIssued,
)
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.relay import contract_message

from .. import SERVICE
from ..domain import events as ev

Mapped = tuple[type[IntegrationEvent[Any]], dict[str, Any]] | None
Mapper = Callable[[RecordedEvent, Any], Mapped]


def _household_applied(_: RecordedEvent, e: ev.HouseholdApplied) -> Mapped:
    selves = [m["resident_id"] for m in e.members if m["relationship"] == "self"]
    if len(selves) != 1:
        raise ValueError("members must contain exactly one member with relationship 'self'")
    return HouseholdApplied, {
        "household_id": e.household_id,
        "programme": e.programme,
        "applicant": selves[0],
        "members": e.members,
        "residence": e.residence,
        "applied_on": e.applied_at[:10],
    }


def _approval(_: RecordedEvent, e: ev.ApprovalGranted) -> Mapped:
    return ApprovalGranted, {
        "household_id": e.household_id,
        "programme": e.programme,
        "category": e.category,
        "classification": e.classification,
        "member_count": e.member_count,
        "monthly_amount_fen": e.monthly_amount_fen,
        "standard_id": e.standard_id,
        "standard_monthly_fen": e.standard_monthly_fen,
        "per_capita_income_fen": e.per_capita_income_fen,
        "effective_from": e.effective_from,
        "approved_by": e.approved_by,
    }


def _rejected(_: RecordedEvent, e: ev.ApplicationRejected) -> Mapped:
    return ApplicationRejected, {
        "household_id": e.household_id,
        "programme": e.programme,
        "reason": e.reason,
        "rejected_by": e.by,
    }


def _amount(_: RecordedEvent, e: ev.AmountChanged) -> Mapped:
    return AmountChanged, {
        "household_id": e.household_id,
        "programme": e.programme,
        "effective_from": e.effective_from,
        "member_count": e.member_count,
        "per_capita_income_fen": e.per_capita_income_fen,
        "monthly_amount_fen": e.monthly_amount_fen,
        "standard_id": e.standard_id,
        "reason": e.reason,
    }


def _suspended(_: RecordedEvent, e: ev.BenefitSuspended) -> Mapped:
    return BenefitSuspended, {"household_id": e.household_id, "programme": e.programme, "reason": e.reason}


def _terminated(_: RecordedEvent, e: ev.BenefitTerminated | ev.BenefitWithdrawn) -> Mapped:
    reason = "withdrawn" if isinstance(e, ev.BenefitWithdrawn) else e.reason
    return BenefitTerminated, {"household_id": e.household_id, "programme": e.programme, "reason": reason}


def _payment(_: RecordedEvent, e: ev.PaymentIssued) -> Mapped:
    return PaymentIssued, {
        "payment_id": e.payment_id,
        "programme": e.programme,
        "household_id": e.household_id,
        "beneficiary": e.beneficiary,
        "period": e.period,
        "amount_fen": e.amount_fen,
        "standard_id": e.standard_id,
        "run_id": e.run_id,
    }


def _one_off(event: RecordedEvent, e: ev.TemporaryAidGranted | ev.MedicalAidPaid) -> Mapped:
    if isinstance(e, ev.TemporaryAidGranted):
        programme, amount = "temporary_aid", e.amount_fen
    else:
        programme, amount = "medical_aid", e.paid_fen
    if amount <= 0:
        return None  # a claim over the annual cap paid nothing: no payment to publish
    return PaymentIssued, {
        "payment_id": str(event.event_id),
        "programme": programme,
        "beneficiary": e.beneficiary,
        "amount_fen": amount,
        "standard_id": e.standard_id,
    }


_MAPPERS: dict[str, Mapper] = {
    "HouseholdApplied": _household_applied,
    "ApprovalGranted": _approval,
    "ApplicationRejected": _rejected,
    "AmountChanged": _amount,
    "BenefitSuspended": _suspended,
    "BenefitTerminated": _terminated,
    "BenefitWithdrawn": _terminated,
    "PaymentIssued": _payment,
    "TemporaryAidGranted": _one_off,
    "MedicalAidPaid": _one_off,
}

PUBLISHED = frozenset(_MAPPERS)
INTERNAL = ev.ALL_EVENTS.names - PUBLISHED
"""The event types that never leave the service (review steps, notice, objections, configuration…)."""


def publication(event: RecordedEvent) -> OutgoingMessage | None:
    mapper = _MAPPERS.get(event.event_type)
    if mapper is None:
        return None
    mapped = mapper(event, ev.ALL_EVENTS.load(event.event_type, event.data))
    if mapped is None:
        return None
    contract, data = mapped
    return contract_message(contract, event, data, producer=SERVICE)
