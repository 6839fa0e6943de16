"""What the outside world sees: internal events mapped to versioned contracts (``contracts/``)."""

from __future__ import annotations

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


def _household_applied(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    d = e.data
    applicant = next(m["resident_id"] for m in d["members"] if m["relationship"] == "self")
    return HouseholdApplied, {
        "household_id": d["household_id"],
        "programme": d["programme"],
        "applicant": applicant,
        "members": d["members"],
        "residence": d["residence"],
        "applied_on": d["applied_at"][:10],
    }


def _approval(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    keys = (
        "household_id",
        "programme",
        "category",
        "classification",
        "member_count",
        "monthly_amount_fen",
        "standard_id",
        "standard_monthly_fen",
        "per_capita_income_fen",
        "effective_from",
        "approved_by",
    )
    return ApprovalGranted, {k: e.data[k] for k in keys}


def _rejected(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    d = e.data
    return ApplicationRejected, {
        "household_id": d["household_id"],
        "programme": d["programme"],
        "reason": d["reason"],
        "rejected_by": d["by"],
    }


def _amount(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    keys = (
        "household_id",
        "programme",
        "effective_from",
        "member_count",
        "per_capita_income_fen",
        "monthly_amount_fen",
        "standard_id",
        "reason",
    )
    return AmountChanged, {k: e.data[k] for k in keys}


def _suspended(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    d = e.data
    return BenefitSuspended, {
        "household_id": d["household_id"],
        "programme": d["programme"],
        "reason": d["reason"],
    }


def _terminated(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    d = e.data
    reason = "withdrawn" if e.event_type == "BenefitWithdrawn" else d["reason"]
    return BenefitTerminated, {
        "household_id": d["household_id"],
        "programme": d["programme"],
        "reason": reason,
    }


def _payment(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]]:
    d = e.data
    return PaymentIssued, {
        "payment_id": d["payment_id"],
        "programme": d["programme"],
        "household_id": d.get("household_id"),
        "beneficiary": None,
        "period": d["period"],
        "amount_fen": d["amount_fen"],
        "standard_id": d["standard_id"],
        "run_id": d.get("run_id"),
    }


def _one_off(e: RecordedEvent) -> tuple[type[IntegrationEvent[Any]], dict[str, Any]] | None:
    d = e.data
    amount = d["amount_fen"] if e.event_type == "TemporaryAidGranted" else d["paid_fen"]
    if amount <= 0:
        return None
    programme = "temporary_aid" if e.event_type == "TemporaryAidGranted" else "medical_aid"
    return PaymentIssued, {
        "payment_id": str(e.event_id),
        "programme": programme,
        "beneficiary": d["beneficiary"],
        "amount_fen": amount,
        "standard_id": d["standard_id"],
    }


_MAPPERS = {
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


def publication(event: RecordedEvent) -> OutgoingMessage | None:
    mapper = _MAPPERS.get(event.event_type)
    if mapper is None:
        return None
    mapped = mapper(event)
    if mapped is None:
        return None
    contract, data = mapped
    return contract_message(contract, event, data, producer=SERVICE)
