"""Every event type of the places area is published as a contract that validates, or is internal;
the internal ones are the procedure's steps, the indexes, reservations, retirements, certificates."""

from __future__ import annotations

from datetime import UTC, datetime

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_registry.adapters.places import AREA
from minzheng_registry.domain.places import divisions as d
from minzheng_registry.domain.places import names as n
from minzheng_registry.domain.places import numbering as h
from minzheng_registry.domain.places import place as p
from minzheng_registry.entrypoints.app import Registry

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PID = "5f0c1a9e-0000-4000-8000-000000000001"
STATE = ("330727101201", "上溪村", "village", "330727101", "2001-01-01")

SAMPLES: list[DomainEvent] = [
    d.DivisionEstablished(*STATE, None),
    d.DivisionRenamed(*STATE, None, former_name="上溪", renamed_on="2020-01-01"),
    d.DivisionAbolished(*STATE, "2026-01-01"),
    d.DivisionRestated(*STATE, None),
    n.NameClaimed(PID, "文溪路", "330727101", "2026-04-01"),
    n.NameClosed(PID, "2027-01-01"),
    n.NameReleased(PID),
    p.PlaceNameRecorded(
        PID,
        "road",
        "330727101",
        [{"name": "解放路", "valid_from": "1966-01-01", "valid_to": None}],
        "2026-03-02",
        "普查",
    ),
    p.PlaceNameProposed(PID, "road", "文溪路", "330727101", "2026-04-01", "2026-03-02", "", ["闻溪路"]),
    p.PlaceNameReviewed(PID, True, "", "2026-03-03"),
    p.PlaceNameRejected(PID, "", "2026-03-04"),
    p.PlaceNameApproved(
        PID, "road", "文溪路", "330727101", "2026-04-01", "2026-03-10", "2026-03-25", "x", "d"
    ),
    p.PlaceNamePublished(PID, "文溪路", "2026-03-20", "2026-03-25", False, "网站"),
    p.PlaceNamePublicationOverdue(PID, "文溪路", "2026-03-25"),
    p.PlaceRenamed(PID, "road", "330727101", "文溪路", "文溪大道", "2027-01-01", "2026-05-01", "d", []),
    p.RoadExtended(PID, "2026-05-01", 1200, ""),
    p.PlaceNameRetired(PID, "文溪大道", "2030-01-01", ""),
    h.HouseNumberIssued(PID, "文溪路", "left", 5, 1, "330727101201", "安文镇文溪路5-1号", "2026-04-02"),
    h.HouseNumbersReserved(PID, "left", 21, 29, "", "2026-04-02"),
    h.HouseNumberRetired(PID, "left", 5, 1, "2026-05-02", "", None),
    h.DoorplateCertificateIssued(PID, 5, 1, "MP330727-2026-000001", "业主", "2026-04-02", None),
    h.CertificateSerialTaken(1, "MP330727-2026-000001"),
    h.SignInstalled(PID, "door", 5, 1, 1, "2026-04-03"),
]


def recorded(event: DomainEvent, n: int) -> RecordedEvent:
    return sample_recorded(event, n, jurisdiction="330727101201")


def test_every_places_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Registry(ServiceSettings("registry", "postgresql://unused/unused", "nats://unused:4222"))
    problems = publication_mapping_problems(service, [recorded(e, i) for i, e in enumerate(SAMPLES)])
    ours = [x for x in problems if x.split(":")[0] in AREA.events.names]
    assert ours == []
    assert {e.event_type for e in SAMPLES} == AREA.events.names


def test_the_published_ones() -> None:
    assert set(AREA.publishers) == {
        "DivisionEstablished",
        "DivisionRenamed",
        "DivisionAbolished",
        "DivisionRestated",
        "PlaceNameApproved",
        "PlaceRenamed",
        "HouseNumberIssued",
    }
