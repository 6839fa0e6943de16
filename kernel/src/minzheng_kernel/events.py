"""Typed internal events: one frozen dataclass per event type, shared by decide, evolve,
projections, publication and bulk paths, and checked by mypy.

An event's fields hold JSON's own types (``str``, ``int``, ``bool``, ``None``, lists, and
``TypedDict``s for nested records; times and dates as ISO text), so that the stored ``data`` *is*
the dataclass's fields: turning one into the other is a dict comprehension and a constructor call,
with no validation library on the hot paths (a projection rebuild reads ~100k events a second).
Values are checked where they enter (the HTTP layer, the contracts), not on every read.

    @dataclass(frozen=True, slots=True)
    class ObjectionRaised(DomainEvent):
        household_id: str
        objection_id: str
        summary: str

    HOUSEHOLD_EVENTS = EventTypes(HouseholdApplied, ObjectionRaised, ...)
    HOUSEHOLD_EVENTS.load("ObjectionRaised", {"household_id": ..., ...})  # -> ObjectionRaised(...)

A field added later needs a default, or an upcaster (``minzheng_eventstore.Upcasters``) for the
events stored before it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound="DomainEvent")


class UnknownEventTypeError(LookupError):
    """A stored event type that no registered class describes."""


class DomainEvent:
    """Base of a typed internal event. Subclasses are ``@dataclass(frozen=True, slots=True)``;
    ``event_type`` is the class name unless the class sets it."""

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__

    def to_data(self) -> dict[str, Any]:
        """The event's fields as stored (a shallow dict: the values are JSON's own types)."""
        names = _FIELD_NAMES.get(type(self))
        if names is None:  # once per class: dataclasses.fields costs more than the copy itself
            names = tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]
            _FIELD_NAMES[type(self)] = names
        return {name: getattr(self, name) for name in names}


_FIELD_NAMES: dict[type[DomainEvent], tuple[str, ...]] = {}
"""Each event class's field names, in order, as ``to_data`` first finds them."""


class EventTypes:
    """The event types of one aggregate or service: stored ``(event_type, data)`` ↔ typed event."""

    def __init__(self, *types: type[DomainEvent]) -> None:
        self._types: dict[str, type[DomainEvent]] = {}
        for kind in types:
            self._add(kind)

    def _add(self, kind: type[DomainEvent]) -> None:
        if not dataclasses.is_dataclass(kind):
            raise TypeError(f"{kind.__name__} must be a dataclass")
        known = self._types.get(kind.event_type)
        if known is not None and known is not kind:
            raise TypeError(f"event type {kind.event_type!r} is declared twice")
        self._types[kind.event_type] = kind

    def __or__(self, other: EventTypes) -> EventTypes:
        merged = EventTypes(*self)
        for kind in other:
            merged._add(kind)
        return merged

    def __iter__(self) -> Iterator[type[DomainEvent]]:
        return iter(self._types.values())

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._types

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._types)

    def load(self, event_type: str, data: Mapping[str, Any]) -> DomainEvent:
        """The typed event for a stored one; ``UnknownEventTypeError`` if none is registered."""
        kind = self._types.get(event_type)
        if kind is None:
            raise UnknownEventTypeError(f"no event type {event_type!r} is registered")
        return kind(**data)

    def maybe_load(self, event_type: str, data: Mapping[str, Any]) -> DomainEvent | None:
        kind = self._types.get(event_type)
        return None if kind is None else kind(**data)


def fields_of(events: Iterable[DomainEvent]) -> list[tuple[str, dict[str, Any]]]:
    """``(event_type, data)`` of each event: what the store writes."""
    return [(e.event_type, e.to_data()) for e in events]
