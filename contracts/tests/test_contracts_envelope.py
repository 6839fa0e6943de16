"""The envelope: construction, validation, dispatch (parse_integration_event) and the catalogue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from minzheng_contracts import (
    CONTRACTS,
    ContractDefinitionError,
    ContractError,
    DisasterReported,
    EventData,
    HouseholdApplied,
    IntegrationEvent,
    PaymentIssued,
    UnknownContractError,
    UnknownProducerError,
    contract_for,
    parse_integration_event,
)

Samples = dict[type[IntegrationEvent[Any]], IntegrationEvent[Any]]


def wire(event: IntegrationEvent[Any], **changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = event.model_dump(mode="json")
    raw.update(changes)
    return raw


def test_new_fills_ids_and_time(samples: Samples) -> None:
    data = samples[HouseholdApplied].data
    event = HouseholdApplied.new(data=data, producer="assistance", jurisdiction="330727")
    assert event.event_type == "HouseholdApplied" and event.schema_version == 1
    assert event.correlation_id == event.event_id and event.causation_id is None
    assert event.occurred_at.tzinfo is not None
    assert abs((datetime.now(UTC) - event.occurred_at).total_seconds()) < 60
    assert event.subject == "assistance.household.applied"


def test_new_caused_by_links_the_conversation(samples: Samples) -> None:
    cause = samples[HouseholdApplied]
    follow = PaymentIssued.new(
        data=samples[PaymentIssued].data, producer="assistance", jurisdiction="330727", caused_by=cause
    )
    assert follow.correlation_id == cause.correlation_id and follow.causation_id == cause.event_id
    with pytest.raises(ValueError, match="either caused_by"):
        PaymentIssued.new(
            data=samples[PaymentIssued].data,
            producer="assistance",
            jurisdiction="330727",
            caused_by=cause,
            correlation_id=uuid4(),
        )


def test_naive_occurred_at_is_rejected(samples: Samples) -> None:
    event = samples[HouseholdApplied]
    with pytest.raises(ValidationError, match="timezone"):
        HouseholdApplied.new(
            data=event.data, producer="assistance", jurisdiction="330727", occurred_at=datetime(2024, 7, 1, 9)
        )
    with pytest.raises(ValidationError, match="timezone"):
        parse_integration_event(wire(event, occurred_at="2024-07-01T09:30:00"))


def test_unknown_contract_is_a_clear_error(samples: Samples) -> None:
    event = samples[HouseholdApplied]
    with pytest.raises(UnknownContractError, match=r"schema_version=2 \(known versions: 1\)"):
        parse_integration_event(wire(event, schema_version=2))
    with pytest.raises(UnknownContractError, match="'HouseholdRejected'"):
        parse_integration_event(json.dumps(wire(event, event_type="HouseholdRejected")))
    with pytest.raises(UnknownContractError):
        parse_integration_event(b'{"data": {}}')
    with pytest.raises(UnknownContractError):
        parse_integration_event(wire(event, schema_version="1"))
    with pytest.raises(UnknownContractError):
        contract_for("Nope", 1)
    assert issubclass(UnknownContractError, ContractError) and issubclass(UnknownContractError, LookupError)


@pytest.mark.parametrize("raw", [b"not json", "[1, 2]", b"", "null"])
def test_non_object_messages(raw: str | bytes) -> None:
    with pytest.raises(ContractError):
        parse_integration_event(raw)


def test_parse_accepts_bytes_str_and_dict(samples: Samples) -> None:
    event = samples[DisasterReported]
    text = event.model_dump_json()
    for raw in (text, text.encode(), bytearray(text.encode()), json.loads(text)):
        parsed = parse_integration_event(raw)
        assert type(parsed) is DisasterReported and parsed == event


def test_envelope_rejects_bad_fields(samples: Samples) -> None:
    event = samples[HouseholdApplied]
    bad: list[dict[str, Any]] = [
        {"jurisdiction": "33072"},
        {"producer": "Assistance"},
        {"producer": "disaster"},  # disaster may not publish HouseholdApplied
        {"event_id": "not-a-uuid"},
        {"traceparent": "00-abc"},  # extra fields are forbidden
        {"causation_id": "nope"},
    ]
    for changes in bad:
        with pytest.raises(ValidationError):
            HouseholdApplied.model_validate(wire(event, **changes))
    with pytest.raises(ValidationError):
        HouseholdApplied.model_validate(wire(event, event_type="ApprovalGranted"))
    missing = wire(event)
    del missing["correlation_id"]
    with pytest.raises(ValidationError):
        HouseholdApplied.model_validate(missing)


def test_events_are_frozen(samples: Samples) -> None:
    event = samples[HouseholdApplied]
    with pytest.raises(ValidationError):
        event.producer = "disaster"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        event.data.applied_on = None


def test_subjects_per_producer(samples: Samples) -> None:
    assert PaymentIssued.subject_for("assistance") == "assistance.payment.issued"
    assert PaymentIssued.subject_for("disaster") == "disaster.payment.issued"
    assert PaymentIssued.subjects() == ["assistance.payment.issued", "disaster.payment.issued"]
    relief = PaymentIssued.new(
        data=samples[PaymentIssued].data.model_copy(update={"programme": "disaster_relief"}),
        producer="disaster",
        jurisdiction="330727101",
    )
    assert relief.subject == "disaster.payment.issued"
    with pytest.raises(UnknownProducerError):
        HouseholdApplied.subject_for("disaster")


def test_catalogue(samples: Samples) -> None:
    # the named contracts of the platform are all there (services add more)
    assert set(CONTRACTS) >= {
        ("HouseholdApplied", 1),
        ("ApprovalGranted", 1),
        ("PaymentIssued", 1),
        ("DisasterReported", 1),
        ("DeathRegistered", 1),
    }
    for (event_type, version), contract in CONTRACTS.items():
        assert contract_for(event_type, version) is contract
        assert contract.contract_key() == (event_type, version)
        assert contract.SUBJECT.count(".") == 2 and contract.SUBJECT.islower()
    with pytest.raises(TypeError):
        CONTRACTS[("X", 1)] = HouseholdApplied  # type: ignore[index]


class _Data(EventData):
    value: int


def test_contract_declarations_are_checked() -> None:
    with pytest.raises(ContractDefinitionError, match="SUBJECT"):

        class BadSubject(IntegrationEvent[_Data]):
            SUBJECT: ClassVar[str] = "Assistance.Household"
            event_type: Literal["BadSubject"] = "BadSubject"
            schema_version: Literal[1] = 1

    with pytest.raises(ContractDefinitionError, match="Literal"):

        class NotLiteral(IntegrationEvent[_Data]):
            SUBJECT: ClassVar[str] = "test.thing.happened"
            event_type: str = "NotLiteral"
            schema_version: Literal[1] = 1

    with pytest.raises(ContractDefinitionError, match="schema_version"):

        class ZeroVersion(IntegrationEvent[_Data]):
            SUBJECT: ClassVar[str] = "test.thing.happened"
            event_type: Literal["ZeroVersion"] = "ZeroVersion"
            schema_version: Literal[0] = 0

    with pytest.raises(ContractDefinitionError, match="not a contract"):
        IntegrationEvent.new(data=_Data(value=1), producer="test", jurisdiction="330727")


def test_a_new_contract_is_a_few_lines() -> None:
    class ThingHappened(IntegrationEvent[_Data]):
        SUBJECT: ClassVar[str] = "test.thing.happened"
        event_type: Literal["ThingHappened"] = "ThingHappened"
        schema_version: Literal[1] = 1

    event = ThingHappened.new(data=_Data(value=1), producer="test", jurisdiction="330727")
    assert ThingHappened.model_validate_json(event.model_dump_json()) == event
    assert ThingHappened.contract_key() == ("ThingHappened", 1)
    assert ("ThingHappened", 1) not in CONTRACTS, "the catalogue lists contracts explicitly"
    assert isinstance(event.event_id, UUID)
