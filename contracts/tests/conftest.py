"""Sample events of every contract, built with the public API only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from minzheng_contracts import (
    CONTRACTS,
    AmountChanged,
    AmountChangedData,
    ApplicationRejected,
    ApplicationRejectedData,
    ApprovalGranted,
    ApprovalGrantedData,
    BenefitSuspended,
    BenefitSuspendedData,
    BenefitTerminated,
    BenefitTerminatedData,
    DeathRegistered,
    DeathRegisteredData,
    DisasterReported,
    DisasterReportedData,
    HouseholdApplied,
    HouseholdAppliedData,
    HouseholdMember,
    IntegrationEvent,
    PaymentIssued,
    PaymentIssuedData,
    PaymentIssuedV2,
    PaymentIssuedV2Data,
    Period,
    Programme,
    ReliefDelivered,
    ReliefDeliveredData,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
    ReliefSlaData,
    archive,
    burial,
    eldercare,
    make_resident_id,
    places,
    registry,
    veterans,
)

CST = timezone(timedelta(hours=8), "CST")
APPLICANT = make_resident_id("330727", date(1968, 3, 14), 21)
SPOUSE = make_resident_id("330727", date(1970, 11, 2), 42)
CHILD = make_resident_id("330727", date(2008, 6, 30), 13)
HOUSEHOLD = UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0001")
INCIDENT = UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0002")
CORRELATION = UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0003")
AT = datetime(2024, 7, 1, 9, 30, tzinfo=CST)


def household_applied_data(**overrides: Any) -> HouseholdAppliedData:
    values: dict[str, Any] = {
        "household_id": HOUSEHOLD,
        "programme": "dibao_rural",
        "applicant": APPLICANT,
        "members": [
            HouseholdMember(
                resident_id=APPLICANT, relationship="self", monthly_income_fen=48_000, employment="farming"
            ),
            {
                "resident_id": SPOUSE.reveal(),
                "relationship": "spouse",
                "monthly_income_fen": 0,
                "employment": "unable_to_work",
            },
            {"resident_id": CHILD, "relationship": "child", "monthly_income_fen": 0, "employment": "student"},
        ],
        "residence": "330727101201",
        "applied_on": date(2024, 7, 1),
    }
    return HouseholdAppliedData.model_validate({**values, **overrides})


def approval_granted_data(**overrides: Any) -> ApprovalGrantedData:
    values: dict[str, Any] = {
        "household_id": HOUSEHOLD,
        "programme": "dibao_rural",
        "category": "rural",
        "classification": "B",
        "member_count": 3,
        "monthly_amount_fen": 183_000,
        "standard_id": "dibao:330727:rural:2024-07-01",
        "standard_monthly_fen": 77_000,
        "per_capita_income_fen": 16_000,
        "effective_from": "2024-08",
        "approved_by": "official:330727:0042",
    }
    return ApprovalGrantedData.model_validate({**values, **overrides})


def payment_issued_data(**overrides: Any) -> PaymentIssuedData:
    values: dict[str, Any] = {
        "payment_id": UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0004"),
        "programme": "dibao_rural",
        "household_id": HOUSEHOLD,
        "beneficiary": APPLICANT,
        "period": Period(2024, 8),
        "amount_fen": 183_000,
        "standard_id": "dibao:330727:rural:2024-07-01",
        "run_id": UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0005"),
    }
    return PaymentIssuedData.model_validate({**values, **overrides})


def disaster_reported_data(**overrides: Any) -> DisasterReportedData:
    values: dict[str, Any] = {
        "incident_id": INCIDENT,
        "disaster_type": "flood",
        "area": ["330727101", "330727102201"],
        "happened_at": datetime(2024, 6, 20, 3, 0, tzinfo=CST),
        "reported_at": datetime(2024, 6, 20, 4, 15, tzinfo=CST),
        "reporter": "informant:330727101:007",
        "summary": "山洪冲毁农田 (flash flood)",
    }
    return DisasterReportedData.model_validate({**values, **overrides})


def death_registered_data(**overrides: Any) -> DeathRegisteredData:
    values: dict[str, Any] = {
        "registration_id": UUID("0f3c4a4e-3d1b-4c35-9d0e-9b3c2a1f0006"),
        "deceased": APPLICANT,
        "date_of_death": date(2024, 9, 1),
        "place": "330727101",
        "registered_at": datetime(2024, 9, 2, 10, 0, tzinfo=UTC),
    }
    return DeathRegisteredData.model_validate({**values, **overrides})


def sample_events() -> dict[type[IntegrationEvent[Any]], IntegrationEvent[Any]]:
    common: dict[str, Any] = {"jurisdiction": "330727", "correlation_id": CORRELATION, "occurred_at": AT}
    events: list[IntegrationEvent[Any]] = [
        HouseholdApplied.new(data=household_applied_data(), producer="assistance", **common),
        ApprovalGranted.new(data=approval_granted_data(), producer="assistance", **common),
        PaymentIssued.new(data=payment_issued_data(), producer="assistance", **common),
        PaymentIssuedV2.new(
            data=PaymentIssuedV2Data.model_validate(
                {
                    **payment_issued_data().model_dump(),
                    "programme": "veterans_pension_disabled",
                    "household_id": None,
                }
            ),
            producer="veterans",
            **common,
        ),
        ApplicationRejected.new(
            data=ApplicationRejectedData(
                household_id=HOUSEHOLD,
                programme=Programme.DIBAO_RURAL,
                reason="income above standard",
                rejected_by="official-3",
            ),
            producer="assistance",
            **common,
        ),
        AmountChanged.new(
            data=AmountChangedData(
                household_id=HOUSEHOLD,
                programme=Programme.DIBAO_RURAL,
                effective_from=Period(2024, 8),
                member_count=2,
                per_capita_income_fen=10_000,
                monthly_amount_fen=59_200,
                standard_id="dibao_rural:330727:2024-07-01",
                reason="member_deceased",
            ),
            producer="assistance",
            **common,
        ),
        BenefitSuspended.new(
            data=BenefitSuspendedData(
                household_id=HOUSEHOLD, programme=Programme.DIBAO_RURAL, reason="documents missing"
            ),
            producer="assistance",
            **common,
        ),
        BenefitTerminated.new(
            data=BenefitTerminatedData(
                household_id=HOUSEHOLD,
                programme=Programme.DIBAO_RURAL,
                reason="death",
                last_period=Period(2024, 7),
            ),
            producer="assistance",
            **common,
        ),
        DisasterReported.new(data=disaster_reported_data(), producer="disaster", **common),
        ReliefDelivered.new(
            data=ReliefDeliveredData(
                incident_id=INCIDENT,
                household="affected-1",
                cash_fen=50_000,
                items={"quilt": 2},
                delivered_by="official-9",
                delivered_at=AT,
            ),
            producer="disaster",
            **common,
        ),
        ReliefSlaAtRisk.new(
            data=ReliefSlaData(
                incident_id=INCIDENT, household="affected-1", deadline=AT, escalated_to="330727"
            ),
            producer="disaster",
            **common,
        ),
        ReliefSlaBreached.new(
            data=ReliefSlaData(
                incident_id=INCIDENT, household="affected-1", deadline=AT, escalated_to="330727"
            ),
            producer="disaster",
            **common,
        ),
        DeathRegistered.new(data=death_registered_data(), producer="registry", **common),
    ]
    # the registry's modules give their own examples (one place per area to add a contract)
    for module in (registry, burial, places, archive, veterans, eldercare):
        events += [e for e in module.examples(**common) if not isinstance(e, DeathRegistered)]
    samples = {type(event): event for event in events}
    assert set(samples) == set(CONTRACTS.values()), "add a sample for every new contract"
    return samples


@pytest.fixture
def samples() -> dict[type[IntegrationEvent[Any]], IntegrationEvent[Any]]:
    return sample_events()
