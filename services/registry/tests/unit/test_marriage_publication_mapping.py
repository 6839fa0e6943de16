"""Every event type of the marriage area is published as a contract that validates, or is
declared internal (the person streams, the divorce procedure and its clocks)."""

from __future__ import annotations

from datetime import UTC, datetime

from minzheng_contracts import make_resident_id
from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_registry.adapters.marriage import AREA
from minzheng_registry.domain import death as d
from minzheng_registry.domain.marriage import marriage as m
from minzheng_registry.domain.marriage import person as p
from minzheng_registry.entrypoints.app import Registry

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
H = make_resident_id("330727", datetime(1995, 6, 1).date(), 13).reveal()
W = make_resident_id("330727", datetime(1997, 8, 9).date(), 24).reveal()
DEAD = make_resident_id("330727", datetime(1940, 3, 1).date(), 11).reveal()
MID = "0d3a0000-0000-4000-8000-0000000000a1"
AID = "0d3a0000-0000-4000-8000-0000000000b1"
RID = "0d3a0000-0000-4000-8000-000000000001"

SAMPLES: list[tuple[str, DomainEvent]] = [
    ("marriage", m.MarriageRegistered(MID, "J330727-2026-000001", H, W, "2026-03-02", "330727", "a", "b")),
    (
        "marriage",
        m.CertificateReissued(
            "J330727-2026-000001", "BJ330727-2026-000001", "marriage", "2026-06-01", "330727", H, W
        ),
    ),
    (
        "marriage",
        m.DivorceApplicationReceived(AID, MID, "2026-03-02", "330727", "2026-04-01", "2026-05-01", "c", "w"),
    ),
    ("marriage", m.DivorceApplicationWithdrawn(AID, "2026-03-10", "wife")),
    ("marriage", m.DivorceRegistered(AID, MID, "L330727-2026-000001", "2026-04-02", "330727", H, W)),
    ("marriage", m.DivorceApplicationLapsed(AID, "2026-05-02T00:00:00+08:00")),
    ("marriage", m.DivorceApplicationTerminated(AID, RID, "2026-03-11")),
    ("marriage", m.MarriageEndedByDeath(MID, "husband", RID, "2026-03-10")),
    ("marriage", m.MarriageRevived(MID, RID, "2026-09-01")),
    ("marriage", m.MarriageFlaggedForReview(MID, "death_before_registration", RID, "2026-02-20")),
    ("person", p.PersonDeathRevoked(RID, "married")),
    ("person", p.PersonMarriageRevived(MID, "2026-09-01")),
    ("person", p.PersonMarried(MID, W, "2026-03-02")),
    ("person", p.PersonDivorced(MID, "2026-04-02")),
    ("person", p.PersonWidowed(MID, "2026-03-10", RID)),
    ("person", p.PersonDeceased(RID, "2026-03-10")),
    ("person", p.NoMarriageRecordCertified("W330727-2026-000001", "2026-03-02", "330727")),
    (
        "death",
        d.DeathRegistered(
            RID, DEAD, "2026-02-27", "330727101201", "330727101201", "2026-03-02T09:00:00+08:00", "330727"
        ),
    ),
    (
        "death",
        d.DeathRegistrationCorrected(RID, "2026-02-26", "330727101201", "330727101201", "certificate", DEAD),
    ),
    ("death", d.DeathRegistrationRevoked(RID, "judgment revoked")),
]


def recorded(stream_type: str, event: DomainEvent, n: int) -> RecordedEvent:
    return sample_recorded(event, n, stream_type=stream_type)


def test_every_marriage_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Registry(ServiceSettings("registry", "postgresql://unused/unused", "nats://unused:4222"))
    events = [recorded(t, e, n) for n, (t, e) in enumerate(SAMPLES)]
    assert {e.event_type for e in events} == AREA.events.names
    mine = AREA.events.names
    problems = [x for x in publication_mapping_problems(service, events) if x.split(":", 1)[0] in mine]
    assert problems == []


def test_the_published_ones_are_the_national_databases_and_the_deaths() -> None:
    assert set(AREA.publishers) == {
        "MarriageRegistered",
        "DivorceRegistered",
        "CertificateReissued",
        "DeathRegistered",
        "DeathRegistrationCorrected",
    }
    assert AREA.internal == AREA.events.names - set(AREA.publishers)
