"""Inspections and rectification (安全检查 · 整改, eldercare-rules §3 "Inspection", issue 16).

Stream ``oversight-<institution_id>`` (stream type ``oversight``): an institution's inspections,
findings, rectification orders, re-inspections and escalation in one file, so that every decision
(an order over the findings, the completion, the resumption, the closure's grounds) is taken on
one stream. Guard rows: ``institution_standing`` (``service.py``; this area updates its
``admissions_suspended``, ``order_id``, ``since`` and ``closed`` in the unit that records
``AdmissionsSuspended``, ``AdmissionsResumed`` or ``InstitutionClosed``), and the id lookups
``eldercare_inspections`` / ``eldercare_rectification_orders``. Durable deadline
``rectification-deadline`` raised by the ``rectification-deadlines`` background task.

Decided where the rules are silent (``domain/inspections/decisions.py``): calendar days; one order
per inspection over its open findings; the overdue suspends admissions automatically; the bureau
may suspend earlier for an open order; a completed order resumes the admissions it suspended;
closure only with an overdue order or suspended admissions. Only ``RectificationOverdue`` is
published."""

from __future__ import annotations

from minzheng_eventstore.areas import Area
from minzheng_eventstore.identity import Role
from minzheng_eventstore.kit import BackgroundDef

from ...application.inspections.scheduler import run_scheduler
from ...domain.inspections.events import OVERSIGHT_EVENTS
from ..common import OFFICIALS
from . import demo, http, publication, schema

AREA = Area(
    name="inspections",
    events=OVERSIGHT_EVENTS,
    publishers=publication.PUBLISHERS,
    migrations=schema.MIGRATIONS,
    routers=[http.router],
    permissions={
        "inspections.inspect": frozenset({Role.TOWNSHIP_CASEWORKER, Role.COUNTY_APPROVER}),
        "inspections.order": frozenset({Role.COUNTY_APPROVER}),
        "inspections.escalate": frozenset({Role.COUNTY_APPROVER}),
        "inspections.read": OFFICIALS,
    },
    background=[BackgroundDef("rectification-deadlines", run_scheduler)],
    seed_demo=demo.seed_demo,
)
