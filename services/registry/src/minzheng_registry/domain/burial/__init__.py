"""Funeral and burial (殡葬), pure: cemeteries and plots, funeral cases, illegal burial cases."""

from __future__ import annotations

from minzheng_kernel.events import EventTypes

from .cemetery import CEMETERY_EVENTS
from .funeral import FUNERAL_EVENTS
from .illegal import ILLEGAL_BURIAL_EVENTS
from .plot import PLOT_EVENTS

BURIAL_EVENTS: EventTypes = CEMETERY_EVENTS | PLOT_EVENTS | FUNERAL_EVENTS | ILLEGAL_BURIAL_EVENTS
