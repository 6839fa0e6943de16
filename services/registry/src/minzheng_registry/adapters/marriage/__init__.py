"""Marriage, divorce and death registration (婚姻登记 · 离婚 · 死亡登记)."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.host import Migration
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef, ProjectionDef

from ...application.marriage import certificates, reads, scheduler
from ...domain.death import DEATH_EVENTS
from ...domain.marriage.marriage import MARRIAGE_EVENTS
from ...domain.marriage.person import PERSON_EVENTS
from . import projection
from .demo import seed_demo
from .http import router
from .publication import PUBLISHERS

REGISTRAR = frozenset({Role.REGISTRAR})
READERS = frozenset({Role.REGISTRAR, Role.COUNTY_APPROVER, Role.AUDITOR})


AREA = Area(
    name="marriage",
    events=DEATH_EVENTS | MARRIAGE_EVENTS | PERSON_EVENTS,
    publishers=PUBLISHERS,
    migrations=[
        Migration("registry_marriage_0001", certificates.SQL),
        Migration("registry_marriage_0002", projection.SQL),
        Migration("registry_marriage_0003", certificates.SQL_0003),
        Migration("registry_marriage_0004", reads.SQL),
    ],
    routers=[router],
    permissions={
        "marriage.register": REGISTRAR,
        "marriage.read": READERS,
        "marriage.status.read": READERS | {Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_REVIEWER},
        "marriage.certificate.issue": REGISTRAR,
        "divorce.register": REGISTRAR,
        "divorce.read": READERS,
        "death.register": REGISTRAR,
        "death.read": READERS,
    },
    projections=[
        ProjectionDef(projection.NAME, projection.project, projection.STREAM_TYPES, projection.reset)
    ],
    background=[BackgroundDef("divorce-lapse", scheduler.run_scheduler)],
    seed_demo=seed_demo,
)
