"""Every declared event type is published as a contract that validates, or is declared internal."""

from __future__ import annotations

from datetime import UTC, datetime

from minzheng_assistance.entrypoints.app import Assistance
from minzheng_assistance.service import ASSISTANCE
from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def recorded(stream_type: str, event: DomainEvent, n: int) -> RecordedEvent:
    return sample_recorded(event, n, stream_type=stream_type, jurisdiction="330727101201")


def test_every_event_type_maps_to_a_valid_contract_or_is_internal(
    samples: list[tuple[str, DomainEvent]],
) -> None:
    service = Assistance(ServiceSettings("assistance", "postgresql://unused/unused", "nats://unused:4222"))
    events = [recorded(stream_type, event, n) for n, (stream_type, event) in enumerate(samples)]
    assert publication_mapping_problems(service, events) == []


def test_the_internal_events_are_the_procedure_and_the_configuration() -> None:
    assert ASSISTANCE.internal_events == {
        "ReviewStepRecorded",
        "PublicNoticePosted",
        "ObjectionRaised",
        "ObjectionResolved",
        "RecheckCompleted",
        "BenefitResumed",
        "MemberDeceased",
        "OverpaymentRecorded",
        "RecheckFlagged",
        "TekunSupportConfirmed",
        "SupportModeChanged",
        "TekunSupportEnded",
        "TekunOverpaymentRecorded",
        "PaymentRunCompleted",
        "DivisionRegistered",
        "StandardSet",
    }
