"""Place names, house numbers and divisions (地名 · 门牌 · 区划)."""

from __future__ import annotations

from minzheng_kernel.events import EventTypes

from ...area import Area

AREA = Area(name="places", events=EventTypes())
