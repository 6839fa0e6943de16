"""Marriage, divorce and death registration (婚姻登记 · 死亡登记)."""

from __future__ import annotations

from ...area import Area
from ...domain.death import DEATH_EVENTS

AREA = Area(name="marriage", events=DEATH_EVENTS)
