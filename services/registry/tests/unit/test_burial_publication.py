"""Every burial event type is published as a contract that validates (``CremationRecorded``) or is
declared internal (the others); the sample of each type goes through the store's pre-commit check."""

from __future__ import annotations

from datetime import UTC, datetime

from minzheng_contracts import make_resident_id
from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_registry.domain.burial import BURIAL_EVENTS
from minzheng_registry.domain.burial import cemetery as c
from minzheng_registry.domain.burial import funeral as f
from minzheng_registry.domain.burial import illegal as i
from minzheng_registry.domain.burial import plot as pl
from minzheng_registry.entrypoints.app import Registry
from minzheng_registry.service import REGISTRY

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
VILLAGE = "330727101201"
DECEASED = make_resident_id("330727", datetime(1938, 4, 12).date(), 15).reveal()
REGISTRATION = "0d3a0000-0000-4000-8000-000000000001"

SAMPLES: list[tuple[str, DomainEvent]] = [
    (
        "cemetery",
        c.CemeteryApproved("cem-1", "公墓", "public_interest", "330727101", [VILLAGE], "2026-01-05", "doc"),
    ),
    (
        "cemetery",
        c.PlotsCreated(
            "cem-1", "A", 1, 3, "ashes_double", 80, 2, "plot_area_max_ashes:330727:1998-01-01", "2026-01-05"
        ),
    ),
    (
        "plot",
        pl.PlotAssigned(
            "cem-1",
            "A-001",
            1,
            REGISTRATION,
            DECEASED,
            VILLAGE,
            "2026-03-02",
            "2046-03-02",
            "plot_use_years:330727:1998-01-01",
        ),
    ),
    ("plot", pl.IntermentRecorded("cem-1", "A-001", 1, REGISTRATION, "2026-03-02")),
    ("plot", pl.PlotUseExpired("cem-1", "A-001", 1, 1, "2046-03-02")),
    (
        "plot",
        pl.PlotUseRenewed(
            "cem-1",
            "A-001",
            1,
            2,
            "2046-05-06",
            "2046-05-06",
            "2066-05-06",
            "plot_use_years:330727:1998-01-01",
        ),
    ),
    ("plot", pl.PlotUseReclaimed("cem-1", "A-001", 1, "2046-09-01", "期满未续")),
    ("funeral", f.CremationRecorded(REGISTRATION, DECEASED, "2026-02-28", "磐安县殡仪馆", VILLAGE)),
    (
        "funeral",
        f.BasicFuneralFeesWaived(
            REGISTRATION,
            VILLAGE,
            ["cremation"],
            "funeral_fee_waiver_scope:330727:2009-01-01",
            "assistance_record",
        ),
    ),
    ("funeral", f.AshesDisposed(REGISTRATION, "columbarium", "县骨灰堂 3-12", "2026-03-02")),
    ("funeral", f.BodyBuried(REGISTRATION, VILLAGE, "cem-1/D-001/1", "2026-03-02")),
    ("illegal-burial", i.IllegalBurialCaseOpened("case-1", VILLAGE, "后山", "新坟", "2026-03-01")),
    (
        "illegal-burial",
        i.IllegalBurialOrdered(
            "case-1", "2026-03-02", "2026-04-01", "illegal_burial_rectification_days:330727:1998-01-01", "d"
        ),
    ),
    ("illegal-burial", i.IllegalBurialOverdue("case-1", "2026-04-01")),
    ("illegal-burial", i.IllegalBurialCaseResolved("case-1", "rectified", "2026-04-05", "已迁")),
]


def recorded(stream_type: str, event: DomainEvent, n: int) -> RecordedEvent:
    return sample_recorded(event, n, stream_type=stream_type, jurisdiction=VILLAGE, actor="registrar-1")


def test_every_burial_event_type_is_sampled() -> None:
    assert {e.event_type for _, e in SAMPLES} == BURIAL_EVENTS.names


def test_every_burial_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Registry(ServiceSettings("registry", "postgresql://unused/unused", "nats://unused:4222"))
    events = [recorded(stream_type, event, n) for n, (stream_type, event) in enumerate(SAMPLES)]
    problems = publication_mapping_problems(service, events)
    mine = [p for p in problems if p.split(":")[0] in BURIAL_EVENTS.names]
    assert mine == []


def test_only_the_cremation_is_published() -> None:
    assert BURIAL_EVENTS.names - REGISTRY.internal_events == {"CremationRecorded"}
    message = REGISTRY.publication(recorded("funeral", SAMPLES[7][1], 1))  # type: ignore[misc]
    assert message is not None and message.subject == "registry.cremation.recorded"
