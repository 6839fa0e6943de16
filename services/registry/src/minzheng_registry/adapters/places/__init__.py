"""Place names, house numbers and divisions (地名 · 门牌 · 区划)."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef

from ...application.places.scheduler import run_scheduler
from ...domain.places import PLACES_EVENTS
from ..common import OFFICIALS
from . import http_divisions, http_numbers, http_places
from .publication import PUBLISHERS
from .seed import seed_demo

PUBLIC_RECORD = OFFICIALS | {Role.PROVINCIAL}
"""Divisions and place names are public records: the provincial integration reads them too."""

PERMISSIONS = {
    "division.record": frozenset({Role.STANDARDS_OFFICER}),
    "division.read": PUBLIC_RECORD,
    "place.propose": frozenset({Role.TOWNSHIP_CASEWORKER}),
    "place.review": frozenset({Role.TOWNSHIP_REVIEWER}),
    "place.approve": frozenset({Role.COUNTY_APPROVER}),
    "place.read": PUBLIC_RECORD,
    "house_number.issue": frozenset({Role.TOWNSHIP_CASEWORKER}),
    "house_number.manage": frozenset({Role.COUNTY_APPROVER}),
    "house_number.read": OFFICIALS,
}
"""Who may do what: the township proposes names and issues numbers, its reviewer does the 初审,
the county approves, publishes, renames, retires and manages reservations; the standards officer
records divisions."""

AREA = Area(
    name="places",
    events=PLACES_EVENTS,
    publishers=PUBLISHERS,
    routers=[http_divisions.router, http_places.router, http_numbers.router],
    permissions=PERMISSIONS,
    background=[BackgroundDef("place-publication", run_scheduler)],
    seed_demo=seed_demo,
)
