"""The historical archive (历史婚姻档案 1950–2003): import, validation report, flags."""

from __future__ import annotations

from minzheng_kernel.events import EventTypes

from ...area import Area

AREA = Area(name="archive", events=EventTypes())
