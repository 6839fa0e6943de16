"""What the burial area's HTTP modules share: the bounded input types, the examples' story and the
permissions of the routes (the masking of resident IDs and the strict models: ``adapters/common``).

Every input is bounded; refusals come from the domain (422 naming the field and rule, 409 for the
state, 404) and the guard table, never a 500. Every route declares one permission
(``AREA.permissions``); the caller's division bounds every command and read (403
``outside_jurisdiction``, lists filtered). Resident IDs are shown in full only to the registrar,
the county approver and the auditor.

The examples are one story, consistent with the demo data (``AREA.seed_demo``): the 公益性
cemetery ``DEMO_CEMETERY`` of villages 330727101201 and 330727101202, its plots ``A-001``…"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Path
from pydantic import Field, StringConstraints

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit

DEMO_CEMETERY = "c0e7e700-0000-4000-8000-000000000001"
EXAMPLE_DECEASED = make_resident_id("330727", date(1940, 3, 1), 11).reveal()
"""The deceased of the ``POST /deaths`` example (the marriage area's), died 2026-02-27 in 330727101201."""
EXAMPLE_BURIED = make_resident_id("330727", date(1936, 9, 20), 33).reveal()
"""The deceased of the body burial example (土葬), holding the demo's body plot D-001."""
EXAMPLE_CASE = "b1a1b2c3-0000-4000-8000-0000000000e1"

Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]+$")
]
Section = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,4}$")]
PlotNo = Annotated[
    str, Path(pattern=r"^[A-Z0-9]{1,4}-\d{3,5}$", description="plot number", examples=["A-001"])
]
CemeteryPath = Annotated[uuid.UUID, Path(description="the cemetery's id", examples=[DEMO_CEMETERY])]
CasePath = Annotated[uuid.UUID, Path(description="the case's id", examples=[EXAMPLE_CASE])]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]

Approver = Annotated[Actor, permit("cemetery.approve")]
PlotMaker = Annotated[Actor, permit("cemetery.plots.create")]
CemeteryReader = Annotated[Actor, permit("cemetery.read")]
Assigner = Annotated[Actor, permit("cemetery.plot.assign")]
Keeper = Annotated[Actor, permit("cemetery.plot.record")]
Cremation = Annotated[Actor, permit("burial.funeral.record")]
Waiver = Annotated[Actor, permit("burial.fees.waive")]
FuneralReader = Annotated[Actor, permit("burial.funeral.read")]
CaseOpener = Annotated[Actor, permit("burial.illegal.open")]
CaseOrderer = Annotated[Actor, permit("burial.illegal.order")]
CaseResolver = Annotated[Actor, permit("burial.illegal.resolve")]
CaseReader = Annotated[Actor, permit("burial.illegal.read")]
StatisticsReader = Annotated[Actor, permit("burial.statistics.read")]


def day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
