"""Place names, house numbers and divisions (地名 · 门牌 · 区划): the pure domain."""

from __future__ import annotations

from .divisions import DIVISION_EVENTS
from .names import INDEX_EVENTS
from .numbering import NUMBERING_EVENTS, SERIAL_EVENTS
from .place_events import PLACE_EVENTS

PLACES_EVENTS = DIVISION_EVENTS | INDEX_EVENTS | PLACE_EVENTS | NUMBERING_EVENTS | SERIAL_EVENTS
"""Every event type of the area."""
