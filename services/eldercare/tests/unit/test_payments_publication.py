"""The payments and insurance areas' publication: a month's allowance and a year's, and each
accident-insurance premium, are one valid ``PaymentIssued`` v2 (the elder as beneficiary); the run
summaries and the overpayments are internal."""

from __future__ import annotations

import json

from minzheng_contracts import PaymentIssuedV2
from minzheng_eldercare.adapters import insurance, payments
from minzheng_eldercare.domain.insurance.events import AccidentInsuranceEnrolled, InsuranceEnrolmentCompleted
from minzheng_eldercare.domain.payments.events import (
    AllowancePaid,
    AllowanceRunCompleted,
    OverpaymentRecorded,
    PaidMonthData,
)
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

VILLAGE = "330727101201"
ELDER = "33072719410510001X"
PAYMENT = "b1700000-0000-5000-8000-000000000002"
RUN = "b1700000-0000-4000-8000-000000000003"
STANDARD = "allowance.band.80:330727:2025-01-01"
MONTH: PaidMonthData = {
    "period": "2026-03",
    "band": "80-89",
    "amount_fen": 12_000,
    "standard_id": STANDARD,
}
APRIL: PaidMonthData = {**MONTH, "period": "2026-04"}

MONTHLY = AllowancePaid(
    PAYMENT,
    "e1",
    "e1",
    "2026-03",
    "monthly",
    "80-89",
    12_000,
    STANDARD,
    [MONTH],
    RUN,
    VILLAGE,
    ELDER,
)
ANNUAL = AllowancePaid(
    PAYMENT,
    "e1",
    "e1",
    "2026",
    "annual",
    "80-89",
    24_000,
    STANDARD,
    [MONTH, APRIL],
    RUN,
    VILLAGE,
    ELDER,
)
SAMPLES: list[DomainEvent] = [
    MONTHLY,
    AllowanceRunCompleted(RUN, "2026-03", "monthly", 2, 1, 1, 12_000, {"not_started": 0}),
    OverpaymentRecorded(
        PAYMENT,
        "e1",
        "e1",
        PAYMENT,
        "2026-03",
        ["2026-03"],
        12_000,
        "2026-02",
        "death",
        "2026-02-10",
        VILLAGE,
    ),
    AccidentInsuranceEnrolled(
        PAYMENT, "e1", 2027, 85, 3_000, "insurance.premium:330727:2024-01-01", RUN, VILLAGE, ELDER
    ),
    InsuranceEnrolmentCompleted(RUN, 2027, 3, 2, 0, 6_000, {"below_min_age": 1}),
]


def service() -> Service:
    return Eldercare(ServiceSettings("eldercare", "postgresql://unused/unused", "nats://unused:4222"))


def published(event: DomainEvent) -> dict[str, object]:
    definition = service().definition
    assert definition.publication is not None
    message = definition.publication(sample_recorded(event, jurisdiction=VILLAGE))
    assert message is not None
    PaymentIssuedV2.model_validate_json(message.payload)
    return dict(json.loads(message.payload)["data"])


def test_every_event_maps_to_a_valid_contract_or_is_internal() -> None:
    mine = payments.AREA.events.names | insurance.AREA.events.names
    samples = [sample_recorded(x, i, jurisdiction=VILLAGE) for i, x in enumerate(SAMPLES)]
    assert [q for q in publication_mapping_problems(service(), samples) if q.split(":")[0] in mine] == []
    assert {x.event_type for x in SAMPLES} == mine
    assert service().definition.internal_events >= {
        "AllowanceRunCompleted",
        "OverpaymentRecorded",
        "InsuranceEnrolmentCompleted",
    }


def test_a_months_allowance_names_its_period_and_a_years_is_a_one_off() -> None:
    month = published(MONTHLY)
    assert (month["programme"], month["beneficiary"], month["period"], month["amount_fen"]) == (
        "eldercare_old_age_allowance",
        ELDER,
        "2026-03",
        12_000,
    )
    assert month["standard_id"] == STANDARD and month["run_id"] == RUN
    year = published(ANNUAL)
    assert (year["period"], year["amount_fen"], year["run_id"]) == (None, 24_000, RUN)


def test_a_premium_is_paid_for_the_insured_elder() -> None:
    premium = published(SAMPLES[3])
    assert (premium["programme"], premium["beneficiary"], premium["household_id"], premium["period"]) == (
        "eldercare_accident_insurance_premium",
        ELDER,
        None,
        None,
    )
