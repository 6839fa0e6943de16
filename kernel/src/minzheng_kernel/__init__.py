"""The domain kernel: what a service's pure domain may import (DESIGN §5a).

It imports nothing beyond the standard library, so that importing a domain module loads no driver,
broker, database or web framework (an import-linter contract in ``make lint`` keeps it so):

- ``errors``: ``DomainError`` and its kinds (``NotFound``, ``Conflict``); the HTTP layer turns the
  *class* into a status, the domain never names one;
- ``events``: ``DomainEvent``, the base of a service's typed internal events, and ``EventTypes``,
  the registry that turns stored ``(event_type, data)`` into them and back;
- ``clock``: the ``Clock`` protocol, ``SystemClock`` and ``ManualClock``.
"""

from .clock import Clock, ManualClock, SystemClock
from .errors import Conflict, DomainError, Forbidden, NotFound, Refused
from .events import DomainEvent, EventTypes, UnknownEventTypeError

__all__ = [
    "Clock",
    "Conflict",
    "DomainError",
    "DomainEvent",
    "EventTypes",
    "Forbidden",
    "ManualClock",
    "NotFound",
    "Refused",
    "SystemClock",
    "UnknownEventTypeError",
]
