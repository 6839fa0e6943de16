"""Funeral and burial (殡葬): cremation, fee waivers, public-interest cemeteries, illegal burial.

Streams: ``cemetery-<id>`` (approval, plot runs), ``plot-<cemetery>-<number>`` (its positions),
``funeral-<death registration id>`` (cremation or burial of the body, waiver, the ashes),
``illegal-burial-<id>``. Guard table ``registry_burial_positions`` (a position once, one grave per
person_token); read table of 低保/特困 recipients from the assistance service's contracts
(subscription ``registry-recipients-v1``); durable deadlines ``plot-use`` (one per position and
period) and ``illegal-burial-rectification``, raised by the ``burial-deadlines`` background task.
Only ``CremationRecorded`` is published (``registry.cremation.recorded``).

Decided where the rules are silent:

- the use period ends on the anniversary of the assignment (29 Feb → 28 Feb), the deadline at
  00:00 +08:00 of that day; a renewal runs from the end of the current period, or from the
  renewal day when it has expired already; a renewal is allowed at any time after assignment,
  once per period (a period renewed in advance is not renewed again before it begins);
- the second position of a double plot kept for the spouse (``plot_keep_for_spouse`` = 1) is
  given on the registrar's attestation (``spouse_of_first``): the area does not read the marriage
  area's records;
- waiver scope 1: a recipient on the date of death is a member of a 低保/特困 household approved
  from that month or earlier and not terminated before it; without such a record the officer's
  assistance certificate number is accepted and recorded as the basis;
- lists and the cremation rate are folded from the streams (no projection): always current, fine
  for a county's numbers (a few cemeteries, thousands of plots and deaths a year).
"""

from __future__ import annotations

import contextlib

from minzheng_eventstore import Actor
from minzheng_eventstore.areas import Area
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef
from minzheng_kernel.errors import Conflict

from ...application.burial import cemeteries as handlers
from ...application.burial.recipients import RECIPIENTS
from ...application.burial.scheduler import run_scheduler
from ...domain.burial import BURIAL_EVENTS
from ...domain.burial.cemetery import CemeteryKind, PlotType
from ..common import OFFICIALS
from . import cemeteries as cemetery_routes
from . import demo, schema
from . import funerals as funeral_routes
from . import illegal as illegal_routes
from .common import DEMO_CEMETERY
from .publication import PUBLISHERS

DEMO_VILLAGES = ["330727101201", "330727101202"]


async def seed_demo(ctx: ServiceContext) -> None:
    """A 公益性 cemetery of township 101 for two of its villages, with 20 double and 10 single
    ashes plots and 5 body plots (idempotent)."""
    tool = Actor("demo-seed")
    with contextlib.suppress(Conflict):
        await handlers.approve_cemetery(
            ctx,
            tool,
            cemetery_id=DEMO_CEMETERY,
            name="尖山镇公益性公墓",
            kind=CemeteryKind.PUBLIC_INTEREST,
            location="330727101",
            villages=DEMO_VILLAGES,
            document="磐民〔2026〕8号",
        )
    runs = (
        ("A", 20, PlotType.ASHES_DOUBLE, 80, 2),
        ("B", 10, PlotType.ASHES_SINGLE, 50, 1),
        ("D", 5, PlotType.BODY_SINGLE, 300, 1),
    )
    for section, count, plot_type, area, positions in runs:
        with contextlib.suppress(Conflict):
            await handlers.create_plots(
                ctx,
                tool,
                DEMO_CEMETERY,
                section=section,
                first=1,
                count=count,
                plot_type=plot_type,
                area_dm2=area,
                positions=positions,
            )


PERSONAL = frozenset(
    {Role.REGISTRAR, Role.COUNTY_APPROVER, Role.AUDITOR, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_REVIEWER}
)

AREA = Area(
    name="burial",
    events=BURIAL_EVENTS,
    publishers=PUBLISHERS,
    migrations=schema.MIGRATIONS,
    routers=[cemetery_routes.router, funeral_routes.router, illegal_routes.router],
    permissions={
        "cemetery.approve": frozenset({Role.COUNTY_APPROVER}),
        "cemetery.plots.create": frozenset({Role.COUNTY_APPROVER}),
        "cemetery.read": OFFICIALS,
        "cemetery.plot.assign": frozenset({Role.REGISTRAR}),
        "cemetery.plot.record": frozenset({Role.REGISTRAR}),
        "burial.funeral.record": frozenset({Role.REGISTRAR}),
        "burial.fees.waive": frozenset({Role.REGISTRAR}),
        "burial.funeral.read": PERSONAL,
        "burial.illegal.open": frozenset({Role.TOWNSHIP_CASEWORKER}),
        "burial.illegal.order": frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER}),
        "burial.illegal.resolve": frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_REVIEWER}),
        "burial.illegal.read": OFFICIALS,
        "burial.statistics.read": OFFICIALS,
    },
    subscriptions=[RECIPIENTS],
    background=[BackgroundDef("burial-deadlines", run_scheduler)],
    seed_demo=demo.with_illegal_burial(seed_demo),
)
