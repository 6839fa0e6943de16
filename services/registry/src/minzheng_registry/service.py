"""The registry service (民政登记), declared: its areas put together, the kit wires the rest."""

from __future__ import annotations

from minzheng_eventstore.areas import Area, compose

from . import SERVICE
from .adapters import archive, burial, configuration, marriage, places
from .adapters.schema import MIGRATIONS
from .application.burial.streams import FUNERAL, PLOT
from .application.marriage.streams import MARRIAGE, PERSON
from .application.people import DEATH, PERSON_PURPOSE

AREAS: tuple[Area, ...] = (configuration.AREA, marriage.AREA, burial.AREA, places.AREA, archive.AREA)
"""Shared configuration (standards, calendar), marriage and death, funeral and burial, place names
and house numbers, the historical archive. Demo data is seeded in this order (configuration first)."""

REGISTRY = compose(
    SERVICE,
    title="minzheng registry (婚姻登记 · 殡葬 · 地名门牌)",
    description="Marriage and divorce, deaths, funeral and burial, place names and house numbers.",
    areas=AREAS,
    migrations=MIGRATIONS,
    aggregates=(PERSON, MARRIAGE, DEATH, FUNERAL, PLOT),
    person_purposes=(PERSON_PURPOSE,),
)
