"""Every pension and back-payment is published as one ``PaymentIssued`` v2 on
``veterans.payment.issued``, its programme by the entitlement's category; the run's summary is
internal; a category with no payment programme cannot be published (refused before commit)."""

from __future__ import annotations

import json

import pytest

from minzheng_contracts.payments import PaymentProgrammeV2
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_veterans.adapters.pensions import AREA
from minzheng_veterans.adapters.pensions.publication import PROGRAMME
from minzheng_veterans.domain.entitlement.categories import Category
from minzheng_veterans.domain.pensions.events import PensionBackPaid, PensionPaid, PensionRunCompleted
from minzheng_veterans.entrypoints.app import Veterans

RESIDENT = "330727195203040019"
VILLAGE = "330727101201"
EID = "e1700000-0000-4000-8000-000000000001"
PAYMENT = "b1700000-0000-5000-8000-000000000001"
RUN = "c1700000-0000-4000-8000-000000000001"


def paid(category: str = "disabled") -> PensionPaid:
    return PensionPaid(
        PAYMENT,
        EID,
        category,
        "2026-03",
        734_583,
        "pension.disabled.war.1:330727:2019-08-01",
        RUN,
        VILLAGE,
        RESIDENT,
    )


SAMPLES: list[DomainEvent] = [
    paid(),
    PensionBackPaid(
        PAYMENT,
        EID,
        "survivor",
        12_345,
        "pension.survivor.martyr:330727:2019-08-01",
        [{"period": "2026-01", "due_fen": 233_167, "paid_fen": 212_000, "standard_id": "x"}],
        RUN,
        VILLAGE,
        RESIDENT,
    ),
    PensionRunCompleted(RUN, "2026-03", 10, 9, 1, 6_000_000, 1, 12_345, {"not_started": 1}),
]


def test_every_pension_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Veterans(ServiceSettings("veterans", "postgresql://unused/unused", "nats://unused:4222"))
    samples = [sample_recorded(x, i, jurisdiction=VILLAGE) for i, x in enumerate(SAMPLES)]
    assert [
        p for p in publication_mapping_problems(service, samples) if p.split(":")[0] in AREA.events.names
    ] == []
    assert {x.event_type for x in SAMPLES} == AREA.events.names
    assert set(AREA.publishers) == {"PensionPaid", "PensionBackPaid"}


@pytest.mark.parametrize("category", list(Category))
def test_each_categorys_pension_is_a_payment_issued_v2_of_its_programme(category: Category) -> None:
    message = AREA.publishers["PensionPaid"](sample_recorded(paid(category.value), 1, jurisdiction=VILLAGE))
    assert message is not None
    body = json.loads(message.payload)
    assert (body["event_type"], body["schema_version"], body["producer"]) == ("PaymentIssued", 2, "veterans")
    assert message.subject == "veterans.payment.issued"
    assert body["data"]["programme"] == PROGRAMME[category].value
    assert body["data"]["programme"] in {p.value for p in PaymentProgrammeV2}
    assert (body["data"]["period"], body["data"]["amount_fen"]) == ("2026-03", 734_583)


def test_a_category_without_a_programme_is_refused() -> None:
    with pytest.raises(KeyError):
        AREA.publishers["PensionPaid"](sample_recorded(paid("unknown"), 1, jurisdiction=VILLAGE))
