"""The configuration routes every area relies on: standards (effective-dated, per jurisdiction) and
the working-day calendar (non-working days and make-up working days), both data."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.areas import Area
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_eventstore.identity import Role
from minzheng_eventstore.standards import load_standards

from ..application import configuration as conf
from ..domain.configuration import CONFIGURATION_EVENTS, Parameter
from .common import OFFICIALS

Division = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{5}(\d{3}(\d{3})?)?$")]
Note = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]

router = APIRouter(tags=["configuration"], responses=refusals(401, 403))
Setter = Annotated[Actor, permit("standard.set")]
Reader = Annotated[Actor, permit("standard.read")]
CalendarSetter = Annotated[Actor, permit("calendar.set")]


class StandardIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "parameter": "plot_area_max_ashes",
                    "jurisdiction": "330727",
                    "effective_from": "2027-01-01",
                    "value": 50,
                }
            ]
        },
    )
    parameter: Parameter
    jurisdiction: Division
    effective_from: date = Field(ge=date(1949, 10, 1), le=date(2199, 12, 31))
    value: int = Field(ge=0, le=100_000)


class StandardOut(BaseModel):
    standard_id: str
    parameter: str
    jurisdiction: str
    effective_from: date
    value: int


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"jurisdiction": "330727", "day": "2027-02-08", "working": False, "note": "春节"}]
        },
    )
    jurisdiction: Division
    day: date = Field(ge=date(1949, 10, 1), le=date(2199, 12, 31))
    working: bool
    note: Note = ""


@router.post("/standards", status_code=201, summary="Set a standard from a date", responses=refusals(409))
async def add_standard(body: StandardIn, ctx: Ctx, actor: Setter) -> StandardOut:
    """Record a standard (a marriage age, a cooling-off period, a plot area limit, the funeral-fee
    waiver scope: 0 none, 1 低保/特困 only, 2 all residents) for a jurisdiction of the county from a
    date. Never edited: a later `effective_from` supersedes. 409 `standard_exists`; 422
    `standard_out_of_range` outside the parameter's bounds (a use period of at least 1 year, an
    area limit of at least 1 dm², a marriage age of at least 16)."""
    s = await conf.set_standard(
        ctx,
        actor,
        parameter=body.parameter,
        jurisdiction=body.jurisdiction,
        effective_from=body.effective_from,
        value=body.value,
    )
    return StandardOut(
        standard_id=s.standard_id,
        parameter=s.parameter,
        jurisdiction=s.jurisdiction,
        effective_from=s.effective_from,
        value=s.value,
    )


@router.get("/standards", summary="The standards, every date")
async def list_standards(
    ctx: Ctx, actor: Reader, parameter: Annotated[Parameter | None, Query()] = None
) -> list[StandardOut]:
    """Every standard of the county, oldest first per parameter (filter by `parameter`)."""
    async with ctx.store.pool.acquire() as conn:
        rows = await load_standards(conn)
    return [
        StandardOut(
            standard_id=f"{r.parameter}:{r.jurisdiction}:{r.effective_from.isoformat()}",
            parameter=r.parameter,
            jurisdiction=r.jurisdiction,
            effective_from=r.effective_from,
            value=r.value,
        )
        for r in rows
        if parameter is None or r.parameter == parameter.value
    ]


@router.post("/calendar", status_code=204, summary="Declare a non-working or make-up working day")
async def set_calendar_day(body: CalendarDayIn, ctx: Ctx, actor: CalendarSetter) -> None:
    """The working-day calendar is data: a public holiday (`working: false`) or a make-up working
    day on a weekend (`working: true`) moves the statutory periods (divorce cooling-off, deadlines)."""
    await conf.set_calendar_day(
        ctx, actor, jurisdiction=body.jurisdiction, day=body.day, working=body.working, note=body.note
    )


HOLIDAYS_2027 = (
    (date(2027, 1, 1), "元旦"),
    *((date(2027, 2, d), "春节") for d in range(5, 12)),
    *((date(2027, 10, d), "国庆节") for d in range(1, 8)),
)
"""Demo data [assume]: the county's 2027 public holidays as the bureau would enter them."""


async def seed_demo(ctx: ServiceContext) -> None:
    await conf.load_national_standards(ctx)
    tool = Actor("demo-seed")
    for day, note in HOLIDAYS_2027:
        await conf.set_calendar_day(ctx, tool, jurisdiction=ctx.county, day=day, working=False, note=note)


AREA = Area(
    name="configuration",
    events=CONFIGURATION_EVENTS,
    routers=[router],
    permissions={
        "standard.set": frozenset({Role.STANDARDS_OFFICER}),
        "standard.read": OFFICIALS,
        "calendar.set": frozenset({Role.STANDARDS_OFFICER}),
    },
    seed_demo=seed_demo,
)
