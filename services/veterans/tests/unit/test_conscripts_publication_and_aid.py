"""Every payment of the conscripts and aid areas is published as one valid ``PaymentIssued`` v2 on
``veterans.payment.issued`` (the payment id, the programme, the beneficiary, the amount, the
standard, the run for the allowance run); enlistments, merits and ends of service are internal; a
payment the contract refuses raises before commit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from minzheng_contracts import PaymentIssuedV2
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_veterans.adapters import aid, conscripts
from minzheng_veterans.domain.aid import grants as g
from minzheng_veterans.domain.conscripts import conscript as c
from minzheng_veterans.entrypoints.app import Veterans

RESIDENT = "330727195203040019"
VILLAGE = "330727101201"
CID = "c1700000-0000-4000-8000-000000000001"
PAY = "a1700000-0000-4000-8000-000000000002"
RUN = "b1700000-0000-4000-8000-000000000003"
GRANT = dict(
    payment_id=PAY, resident_id=RESIDENT, residence=VILLAGE, amount_fen=100_000, paid_on="2026-02-10"
)

BASE = c.ConscriptAllowancePaid(
    PAY, CID, RESIDENT, VILLAGE, 1, "2025-09", "base", 1_000_000, "conscript.allowance:330727:2025-01-01",
    1_000_000, "conscript.allowance:330727:2025-01-01", run_id=RUN,
)  # fmt: skip
SUPPLEMENT = c.ConscriptAllowancePaid(
    PAY, CID, RESIDENT, VILLAGE, 1, "2025-09", "merit_supplement", 150_000, "conscript.merit.third:2025",
    1_000_000, "conscript.allowance:330727:2025-01-01", merit="third_class",
)  # fmt: skip
CONSCRIPT_SAMPLES: list[DomainEvent] = [
    c.ConscriptEnlisted(CID, RESIDENT, VILLAGE, "2025-09-10", 2, "s:y", ["2025-09", "2026-09"], "s:m"),
    c.ConscriptMeritRecorded(CID, "third_class", "2025-11-01", 1, "doc-1"),
    c.ConscriptServiceEnded(CID, "discharged", "2027-09-10"),
    BASE,
    SUPPLEMENT,
]
AID_SAMPLES: list[DomainEvent] = [
    g.OutpatientAllowancePaid(**GRANT, reference="2026", standard_id="aid.outpatient:330727:2025-01-01"),
    g.InpatientSubsidyPaid(
        **GRANT,
        reference="ZY2026-1",
        standard_id="aid.inpatient:2025",
        cost_fen=200_000,
        cap_standard_id="cap",
    ),
    g.HolidayVisitPaid(
        **GRANT, reference="army_day-2026", standard_id="aid.holiday:2025", festival="army_day"
    ),
    g.HardshipReliefPaid(**GRANT, reference="2026", standard_id="aid.hardship.cap:2025", reason="房屋受灾"),
]


def published(area: Any, event: DomainEvent) -> tuple[str, dict[str, Any]]:
    out = area.AREA.publishers[event.event_type](sample_recorded(event, 1, jurisdiction=VILLAGE))
    PaymentIssuedV2.model_validate_json(out.payload)
    return out.subject, json.loads(out.payload)


def test_every_conscripts_and_aid_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Veterans(ServiceSettings("veterans", "postgresql://unused/unused", "nats://unused:4222"))
    samples = [
        sample_recorded(x, i, jurisdiction=VILLAGE) for i, x in enumerate(CONSCRIPT_SAMPLES + AID_SAMPLES)
    ]
    names = conscripts.AREA.events.names | aid.AREA.events.names
    assert [x for x in publication_mapping_problems(service, samples) if x.split(":")[0] in names] == []
    assert {x.event_type for x in CONSCRIPT_SAMPLES} == conscripts.AREA.events.names
    assert {x.event_type for x in AID_SAMPLES} == aid.AREA.events.names
    assert set(conscripts.AREA.publishers) == {"ConscriptAllowancePaid"}
    assert set(aid.AREA.publishers) == aid.AREA.events.names


def test_an_allowance_year_is_one_payment_with_its_period_and_run() -> None:
    subject, body = published(conscripts, BASE)
    assert subject == "veterans.payment.issued"
    assert (body["producer"], body["event_type"], body["schema_version"]) == ("veterans", "PaymentIssued", 2)
    assert body["data"] == {
        "payment_id": PAY,
        "programme": "veterans_conscript_family_allowance",
        "household_id": None,
        "beneficiary": RESIDENT,
        "period": "2025-09",
        "amount_fen": 1_000_000,
        "standard_id": "conscript.allowance:330727:2025-01-01",
        "run_id": RUN,
        "incident_id": None,
    }
    _, merit = published(conscripts, SUPPLEMENT)
    assert (merit["data"]["amount_fen"], merit["data"]["run_id"]) == (150_000, None)
    assert merit["data"]["standard_id"] == "conscript.merit.third:2025"


@pytest.mark.parametrize(
    ("event", "programme"),
    [
        (AID_SAMPLES[0], "veterans_medical_subsidy"),
        (AID_SAMPLES[1], "veterans_medical_subsidy"),
        (AID_SAMPLES[2], "veterans_holiday_visit"),
        (AID_SAMPLES[3], "veterans_hardship_aid"),
    ],
)
def test_a_grant_is_one_payment_of_its_programme_without_period_or_run(
    event: g.AidGrant, programme: str
) -> None:
    subject, body = published(aid, event)
    assert subject == "veterans.payment.issued"
    assert body["data"]["programme"] == programme
    assert (body["data"]["payment_id"], body["data"]["beneficiary"]) == (PAY, RESIDENT)
    assert (body["data"]["amount_fen"], body["data"]["standard_id"]) == (100_000, event.standard_id)
    assert (body["data"]["period"], body["data"]["run_id"]) == (None, None)


def test_a_payment_the_contract_refuses_raises_before_commit() -> None:
    """A zero amount or a bad resident ID: the publication raises, so the store refuses it."""
    zero = g.OutpatientAllowancePaid(**{**GRANT, "amount_fen": 0}, reference="2026", standard_id="s")
    with pytest.raises(ValueError, match="amount_fen"):
        published(aid, zero)
    bad_id = c.ConscriptAllowancePaid(
        PAY, CID, "330727195203040010", VILLAGE, 1, "2025-09", "base", 1, "s", 1, "s"
    )
    with pytest.raises(ValueError, match="beneficiary"):
        published(conscripts, bad_id)
