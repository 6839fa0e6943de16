"""The configuration events every service with standards records (配置): a standard set and a day of
the working-day calendar declared. Shared by the services' domains and the kit's standards routes."""

from __future__ import annotations

from dataclasses import dataclass

from .events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class StandardSet(DomainEvent):
    """A standard recorded (标准设定; never edited: a later ``effective_from`` supersedes)."""

    standard_id: str
    value: int
    correction: str | None = None


@dataclass(frozen=True, slots=True)
class CalendarDaySet(DomainEvent):
    """A day of the working-day calendar declared: a non-working day (法定节假日) or a make-up
    working day (调休上班日), for a jurisdiction."""

    jurisdiction: str
    day: str
    working: bool
    note: str = ""


CONFIGURATION_EVENTS = EventTypes(StandardSet, CalendarDaySet)

__all__ = ["CONFIGURATION_EVENTS", "CalendarDaySet", "StandardSet"]
