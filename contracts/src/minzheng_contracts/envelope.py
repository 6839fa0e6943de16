"""The one envelope of every integration event (集成事件信封).

A contract is a subclass of :class:`IntegrationEvent` parametrised with its payload model, with a
fixed ``event_type`` and ``schema_version`` (``Literal`` fields with a default) and the NATS subject it
is published on (``SUBJECT``, ``<service>.<aggregate>.<event>``)::

    class HouseholdApplied(IntegrationEvent[HouseholdAppliedData]):
        SUBJECT: ClassVar[str] = "assistance.household.applied"
        event_type: Literal["HouseholdApplied"] = "HouseholdApplied"
        schema_version: Literal[1] = 1

A published ``(event_type, schema_version)`` never changes incompatibly: a breaking change is a new
class with ``schema_version`` N+1 (an upcaster maps the old one on read).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, Generic, Literal, Self, TypeVar, get_args, get_origin
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from minzheng_contracts.division import DivisionCode

__all__ = [
    "ContractDefinitionError",
    "ContractError",
    "ContractModel",
    "EventData",
    "IntegrationEvent",
    "UnknownContractError",
    "UnknownProducerError",
]

_SUBJECT: Final = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
_SERVICE: Final = re.compile(r"[a-z][a-z0-9_]*")
_EVENT_TYPE: Final = re.compile(r"[A-Z][A-Za-z0-9]*")


class ContractError(ValueError):
    """Base of the errors raised by this package about contracts (not about field values)."""


class UnknownContractError(ContractError, LookupError):
    """No contract is registered for an ``(event_type, schema_version)`` pair."""

    def __init__(self, event_type: object, schema_version: object, known: list[int] | None = None) -> None:
        self.event_type = event_type
        self.schema_version = schema_version
        hint = f" (known versions: {', '.join(map(str, known))})" if known else " (no such event type)"
        super().__init__(f"no contract for event_type={event_type!r} schema_version={schema_version!r}{hint}")


class UnknownProducerError(ContractError):
    """The service is not allowed to publish this contract."""


class ContractDefinitionError(TypeError):
    """A contract class is declared wrongly (raised when the class is defined)."""


class ContractModel(BaseModel):
    """Base of every model of this package: frozen, no extra fields, inputs hidden in errors.

    Inputs are hidden in validation errors because they may hold personal data (resident IDs).
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        hide_input_in_errors=True,
        json_schema_serialization_defaults_required=True,
    )


class EventData(ContractModel):
    """Base of the typed ``data`` of an integration event."""


DataT = TypeVar("DataT", bound=EventData)


_CONTRACT_KEYS: dict[type[BaseModel], tuple[str, int]] = {}


def _literal_value(cls: type[BaseModel], name: str) -> object:
    field = cls.model_fields[name]
    if get_origin(field.annotation) is not Literal or len(get_args(field.annotation)) != 1:
        raise ContractDefinitionError(f"{cls.__name__}.{name} must be a Literal of one value")
    (value,) = get_args(field.annotation)
    if field.default != value:
        raise ContractDefinitionError(f"{cls.__name__}.{name} must default to its Literal value")
    return value


class IntegrationEvent(ContractModel, Generic[DataT]):
    """Envelope of an integration event published on NATS JetStream. Subclass it per contract."""

    #: NATS subject of the owning producer, ``<service>.<aggregate>.<event>`` (lower snake case).
    SUBJECT: ClassVar[str]
    #: Services allowed to publish the contract; defaults to the service named by ``SUBJECT``.
    PRODUCERS: ClassVar[frozenset[str]]

    event_id: UUID = Field(description="Unique id of the event; also the NATS Nats-Msg-Id (dedup).")
    event_type: str = Field(description="Contract name, past tense, e.g. HouseholdApplied.")
    schema_version: int = Field(description="Version of the contract; a version never changes incompatibly.")
    occurred_at: AwareDatetime = Field(description="Domain time of the fact, timezone-aware (ISO 8601).")
    producer: str = Field(description="Name of the publishing service, e.g. assistance.")
    correlation_id: UUID = Field(description="Id shared by every message of one business conversation.")
    causation_id: UUID | None = Field(default=None, description="event_id of the message that caused it.")
    jurisdiction: DivisionCode = Field(description="Division (行政区划) responsible for the fact.")
    data: DataT

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "SUBJECT" not in cls.__dict__:
            return  # an abstract base or a generic parametrisation
        if _SUBJECT.fullmatch(cls.SUBJECT) is None:
            raise ContractDefinitionError(f"{cls.__name__}.SUBJECT must be <service>.<aggregate>.<event>")
        event_type = _literal_value(cls, "event_type")
        version = _literal_value(cls, "schema_version")
        if not isinstance(event_type, str) or _EVENT_TYPE.fullmatch(event_type) is None:
            raise ContractDefinitionError(f"{cls.__name__}.event_type must be a PascalCase string")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ContractDefinitionError(f"{cls.__name__}.schema_version must be an integer ≥ 1")
        if "PRODUCERS" not in cls.__dict__:
            cls.PRODUCERS = frozenset({cls.SUBJECT.split(".", 1)[0]})
        if not cls.PRODUCERS or any(_SERVICE.fullmatch(p) is None for p in cls.PRODUCERS):
            raise ContractDefinitionError(f"{cls.__name__}.PRODUCERS must be service names")

    @classmethod
    def is_concrete(cls) -> bool:
        """True for a contract class (one that declares ``SUBJECT``)."""
        return "SUBJECT" in cls.__dict__

    @classmethod
    def contract_key(cls) -> tuple[str, int]:
        """``(event_type, schema_version)`` of a contract class (computed once per class: the relay
        asks for it on every event it publishes)."""
        key = _CONTRACT_KEYS.get(cls)
        if key is None:
            cls._require_concrete()
            key = (str(_literal_value(cls, "event_type")), int(str(_literal_value(cls, "schema_version"))))
            _CONTRACT_KEYS[cls] = key
        return key

    @classmethod
    def subject_for(cls, producer: str) -> str:
        """The subject on which ``producer`` publishes this contract: ``<producer>.<aggregate>.<event>``."""
        cls._require_concrete()
        if producer not in cls.PRODUCERS:
            raise UnknownProducerError(
                f"{producer!r} may not publish {cls.__name__} (producers: {', '.join(sorted(cls.PRODUCERS))})"
            )
        return producer + cls.SUBJECT[cls.SUBJECT.index(".") :]

    @classmethod
    def subjects(cls) -> list[str]:
        """Every subject the contract is published on, ``SUBJECT`` first."""
        others = sorted(cls.subject_for(p) for p in cls.PRODUCERS)
        return [cls.SUBJECT, *(s for s in others if s != cls.SUBJECT)]

    @property
    def subject(self) -> str:
        """The subject of this event: the one of its producer."""
        return self.subject_for(self.producer)

    @field_validator("producer")
    @classmethod
    def _producer_may_publish(cls, producer: str) -> str:
        if producer in cls.__dict__.get("PRODUCERS", ()):
            return producer  # a concrete contract's own producer (each one a service name)
        if _SERVICE.fullmatch(producer) is None:
            raise ValueError("producer must be a service name in lower snake case")
        if cls.is_concrete() and producer not in cls.PRODUCERS:
            raise ValueError(f"producer must be one of: {', '.join(sorted(cls.PRODUCERS))}")
        return producer

    @classmethod
    def new(
        cls,
        *,
        data: DataT,
        producer: str,
        jurisdiction: DivisionCode | str,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        occurred_at: datetime | None = None,
        event_id: UUID | None = None,
        caused_by: IntegrationEvent[Any] | None = None,
    ) -> Self:
        """Build an event with sensible defaults.

        ``event_id`` defaults to a new UUID, ``occurred_at`` to now (UTC). ``caused_by`` (an event this
        one reacts to) sets ``correlation_id`` and ``causation_id`` from it; otherwise a new event
        starts its own correlation (``correlation_id = event_id``) unless one is given.
        """
        cls._require_concrete()
        event_id = event_id or uuid4()
        if caused_by is not None:
            if correlation_id is not None or causation_id is not None:
                raise ValueError("give either caused_by or correlation_id/causation_id, not both")
            correlation_id, causation_id = caused_by.correlation_id, caused_by.event_id
        return cls.model_validate(
            {
                "event_id": event_id,
                "occurred_at": occurred_at or datetime.now(UTC),
                "producer": producer,
                "correlation_id": correlation_id or event_id,
                "causation_id": causation_id,
                "jurisdiction": jurisdiction,
                "data": data,
            }
        )

    @classmethod
    def _require_concrete(cls) -> None:
        if not cls.is_concrete():
            raise ContractDefinitionError(f"{cls.__name__} is not a contract (it declares no SUBJECT)")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler.resolve_ref_schema(handler(schema))
        if cls.is_concrete():
            producer = json_schema["properties"]["producer"]
            producer["enum"] = sorted(cls.PRODUCERS)
            json_schema["x-subjects"] = cls.subjects()
        return json_schema
