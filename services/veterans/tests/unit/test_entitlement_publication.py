"""Every event type of the entitlement area is published as a contract that validates, or is
internal: the roll's start and cancellation are published, the changes of terms, suspensions
and resumptions are internal; a mapping that cannot build its contract is refused before commit."""

from __future__ import annotations

import pytest

from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_veterans.adapters.entitlement import AREA
from minzheng_veterans.domain.entitlement import entitlement as e
from minzheng_veterans.entrypoints.app import Veterans

RESIDENT = "330727195203040019"
EID = "e1700000-0000-4000-8000-000000000001"
VILLAGE = "330727101201"

SAMPLES: list[DomainEvent] = [
    e.EntitledPersonRecognised(
        EID, "tok", RESIDENT, VILLAGE, "disabled", "war.1", 1, "2026-02-10", "2026-03", None
    ),
    e.EntitledPersonRecognised(
        EID,
        "tok",
        RESIDENT,
        VILLAGE,
        "rural_veteran_60",
        None,
        3,
        "2026-02-10",
        "2027-01",
        "x:330727:2018-08-01",
        transferred_from="330782",
        transferred_on="2026-03-01",
    ),
    e.GradeChanged(EID, "war.2", "2026-05", None),
    e.CategoryChanged(EID, "survivor", "martyr", 1, "2026-06", None),
    e.EntitlementSuspended(EID, "服刑", "2026-06"),
    e.EntitlementResumed(EID, "2026-08"),
    e.EntitlementCancelled(EID, "tok", RESIDENT, VILLAGE, "disabled", "war.1", "death", "2026-09"),
    e.EntitlementCancelled(
        EID,
        "tok",
        RESIDENT,
        VILLAGE,
        "survivor",
        "duty",
        "transferred_out",
        "2027-01",
        transferred_to="330782",
    ),
]


def test_every_entitlement_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Veterans(ServiceSettings("veterans", "postgresql://unused/unused", "nats://unused:4222"))
    samples = [sample_recorded(x, i, jurisdiction=VILLAGE) for i, x in enumerate(SAMPLES)]
    problems = publication_mapping_problems(service, samples)
    assert [x for x in problems if x.split(":")[0] in AREA.events.names] == []
    assert {x.event_type for x in SAMPLES} == AREA.events.names
    assert set(AREA.publishers) == {"EntitledPersonRecognised", "EntitlementCancelled"}


def test_a_cancellation_the_contract_refuses_raises_before_commit() -> None:
    """A transfer out without the new county: the publication raises, so the store refuses it."""
    bad = e.EntitlementCancelled(
        EID, "tok", RESIDENT, VILLAGE, "disabled", "war.1", "transferred_out", "2027-01"
    )
    publish = AREA.publishers["EntitlementCancelled"]
    with pytest.raises(ValueError, match="transferred_to"):
        publish(sample_recorded(bad, 1, jurisdiction=VILLAGE))
