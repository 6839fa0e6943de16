"""Funeral and burial (殡葬): cremation, fee waivers, public-interest cemeteries, illegal burial."""

from __future__ import annotations

from minzheng_kernel.events import EventTypes

from ...area import Area

AREA = Area(name="burial", events=EventTypes())
