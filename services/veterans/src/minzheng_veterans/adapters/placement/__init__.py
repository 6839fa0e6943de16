"""Discharged soldiers (退役士兵接收安置, 退役军人安置条例 2024): reception with the durable reporting
deadline, report, waiver, placement mode (安排工作 by its conditions), the 安排工作 steps in order
and the post, training.

Stream ``soldier-<id>``; guard table ``veterans_soldiers`` (one reception per person, by
pseudonym); durable deadline ``placement-report`` raised by the ``placement-deadlines`` background
task. Lists and figures are folded from the streams. The events stay internal (no contract names
them yet; the provincial system's "soldiers received" figures are ``GET /soldiers/figures``).

Decided where the rules are silent: a waiver needs a flagged late report or the deadline passed
unreported; a waived soldier gets no placement mode and no training; 安排工作 steps apply to every
安排工作 placement (the rules name them for NCOs); an on-time report drops a justification."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef

from ...application.placement.scheduler import run_scheduler
from ...domain.placement.soldier import SOLDIER_EVENTS
from ..common import OFFICIALS
from . import demo, http, schema

AREA = Area(
    name="placement",
    events=SOLDIER_EVENTS,
    migrations=schema.MIGRATIONS,
    routers=[http.router],
    permissions={
        "placement.receive": frozenset({Role.TOWNSHIP_CASEWORKER}),
        "placement.file": frozenset({Role.TOWNSHIP_CASEWORKER}),
        "placement.waive": frozenset({Role.TOWNSHIP_CASEWORKER}),
        "placement.decide": frozenset({Role.COUNTY_APPROVER}),
        "placement.read": OFFICIALS,
    },
    background=[BackgroundDef("placement-deadlines", run_scheduler)],
    seed_demo=demo.seed_with_pending,
)
