"""Every inspections event is published as a contract that validates or is internal: only
``RectificationOverdue`` leaves the service, as the contract of that name."""

from __future__ import annotations

from minzheng_contracts.eldercare import RectificationOverdue
from minzheng_eldercare.adapters.inspections import AREA
from minzheng_eldercare.domain.inspections import events as e
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

ORDER, INST, H = "0de50000-0000-4000-8000-000000000001", "inst-330727101-01", "h-1"
SAMPLES: list[DomainEvent] = [
    e.InspectionCompleted("insp-1", INST, "330727101", "2026-03-02", "检查组", 1),
    e.HazardFound("insp-1", H, "fire", "public", "灭火器过期"),
    e.RectificationOrdered(
        ORDER, "insp-1", INST, "330727101", [H], "2026-03-02", "2026-04-01", "2026-03-29", ["a", "b"]
    ),
    e.RectificationAtRisk(ORDER, "2026-04-01", 1),
    e.RectificationOverdue(ORDER, INST, "330727101", "2026-04-01", 1, "2026-04-02T00:00:00+08:00"),
    e.ReinspectionRecorded(ORDER, "2026-04-03", "检查组", [H], []),
    e.RectificationCompleted(ORDER, "2026-04-03", True),
    e.AdmissionsSuspended(INST, ORDER, "2026-04-02T00:00:00+08:00", "overdue", "整改逾期"),
    e.AdmissionsResumed(INST, ORDER, "2026-04-03T10:00:00+08:00"),
    e.InstitutionClosed(INST, "2026-04-05", "2026-04-05T10:00:00+08:00", "责令关停", [ORDER]),
]


def test_every_inspections_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Eldercare(ServiceSettings("eldercare", "postgresql://unused/unused", "nats://unused:4222"))
    recorded = [sample_recorded(x, n, jurisdiction="330727101") for n, x in enumerate(SAMPLES)]
    problems = publication_mapping_problems(service, recorded)
    assert [p for p in problems if p.split(":")[0] in AREA.events.names] == []
    assert {x.event_type for x in SAMPLES} == AREA.events.names


def test_the_overdue_is_the_rectification_overdue_contract() -> None:
    overdue = SAMPLES[4]
    out = AREA.publishers[overdue.event_type](sample_recorded(overdue, 1, jurisdiction="330727101"))
    assert out is not None
    contract = RectificationOverdue.model_validate_json(out.payload)
    assert out.subject == "eldercare.rectification.overdue"
    assert (contract.data.order_id, contract.data.open_findings) == (ORDER, 1)
    assert str(contract.data.deadline) == "2026-04-01"
    assert AREA.internal == AREA.events.names - {"RectificationOverdue"}
