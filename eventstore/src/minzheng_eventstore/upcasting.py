"""Upcasters turn an old schema version of an event into the current one, on read.

Contracts never change meaning in place: version N+1 is a new shape, and a function
``vN -> vN+1`` is registered here for each step (eventsourcing's ``upcast_v1_v2``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
UpcastStep = Callable[[Payload], Payload]


class Upcasters:
    """A chain of ``(event_type, from_version) -> step`` functions applied until none is left."""

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], UpcastStep] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[UpcastStep], UpcastStep]:
        """Decorator: ``@upcasters.register("HouseholdApplied", 1)`` turns v1 data into v2 data."""

        def add(step: UpcastStep) -> UpcastStep:
            key = (event_type, from_version)
            if key in self._steps:
                raise ValueError(f"an upcaster for {event_type} v{from_version} is already registered")
            self._steps[key] = step
            return step

        return add

    def upcast(self, event_type: str, version: int, data: Payload) -> tuple[int, Payload]:
        """Apply every registered step from ``version`` on; return the final version and data."""
        step = self._steps.get((event_type, version))
        while step is not None:
            data = step(dict(data))
            version += 1
            step = self._steps.get((event_type, version))
        return version, data

    def __bool__(self) -> bool:
        return bool(self._steps)


NO_UPCASTERS = Upcasters()
