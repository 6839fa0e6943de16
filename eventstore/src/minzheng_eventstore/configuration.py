"""The configuration area of a service with standards (配置): ``POST/GET /standards`` and ``POST
/calendar``, set by the standards officer, read by every official. A service declares its
parameters (name → bounds) and gets the area:

    AREA = configuration_area({p.value: p for p in Parameter}, example={...}, seed_demo=seed_demo)

No ``from __future__ import annotations`` here: the routes are built in a function, and FastAPI
must see their request model (made per service, for its example) as a class, not a name.
"""

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from minzheng_kernel.configuration import CONFIGURATION_EVENTS
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable

from . import standards as conf
from .access import permit
from .areas import Area, Seed
from .builder import Actor
from .deps import Ctx
from .disclosure import OFFICIALS
from .errors_api import refusals
from .identity import Role

Division = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{5}(\d{3}(\d{3})?)?$")]
"""A GB/T 2260 division code (county, township or village)."""
ParameterName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{0,79}$")]
Note = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Day = Annotated[date, Field(ge=date(1949, 10, 1), le=date(2199, 12, 31))]

MAX_VALUE = 10**10
"""The ceiling of any stored standard (10^10 fen, 100 million yuan) whatever its own bounds."""

Setter = Annotated[Actor, permit("standard.set")]
Reader = Annotated[Actor, permit("standard.read")]
CalendarSetter = Annotated[Actor, permit("calendar.set")]


class StandardOut(BaseModel):
    standard_id: str
    parameter: str
    jurisdiction: str
    effective_from: date
    value: int

    @classmethod
    def of(cls, s: Standard) -> "StandardOut":
        return cls(
            standard_id=s.standard_id,
            parameter=s.parameter,
            jurisdiction=s.jurisdiction,
            effective_from=s.effective_from,
            value=s.value,
        )


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"jurisdiction": "330727", "day": "2027-02-08", "working": False, "note": "春节"}]
        },
    )
    jurisdiction: Division
    day: Day
    working: bool
    note: Note = ""


def in_force(table: StandardsTable, on: date) -> list[Standard]:
    """Per parameter and jurisdiction, the row in force on a day (the latest from on or before it)."""
    latest: dict[tuple[str, str], Standard] = {}
    for s in table:
        if s.effective_from <= on:
            key = (s.parameter, s.jurisdiction)
            if key not in latest or latest[key].effective_from < s.effective_from:
                latest[key] = s
    return sorted(latest.values(), key=lambda s: (s.parameter, s.jurisdiction))


def standards_router(parameters: Mapping[str, conf.Bounded], example: dict[str, Any]) -> APIRouter:
    """The standards routes over a service's parameters (a name unknown to them: 422 on ``parameter``)."""

    class StandardIn(BaseModel):
        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [example]})
        parameter: ParameterName
        jurisdiction: Division
        effective_from: Day
        value: int = Field(ge=0, le=MAX_VALUE)

    router = APIRouter(tags=["configuration"], responses=refusals(401, 403))

    @router.post("/standards", status_code=201, summary="Set a standard from a date", responses=refusals(409))
    async def add_standard(body: StandardIn, ctx: Ctx, actor: Setter) -> StandardOut:
        """Record a standard for a jurisdiction of the county from a date. Never edited: a later
        `effective_from` supersedes. 409 `standard_exists`; 422 `unknown_parameter` (`parameter`)
        or `standard_out_of_range` (`value`, outside the parameter's bounds); nothing written then."""
        parameter = parameters.get(body.parameter)
        if parameter is None:
            raise DomainError("unknown_parameter", f"no standard {body.parameter!r} here", field="parameter")
        s = await conf.set_standard(
            ctx,
            actor,
            parameter=parameter,
            jurisdiction=body.jurisdiction,
            effective_from=body.effective_from,
            value=body.value,
        )
        return StandardOut.of(s)

    @router.get("/standards", summary="The standards")
    async def list_standards(
        ctx: Ctx,
        actor: Reader,
        parameter: Annotated[ParameterName | None, Query(description="a parameter name's prefix")] = None,
        as_of: Annotated[Day | None, Query(description="only the rows in force on this day")] = None,
    ) -> list[StandardOut]:
        """Every standard of the county, oldest first per parameter (filter by a `parameter`
        prefix; `as_of`: per parameter and jurisdiction, only the row in force on that day)."""
        async with ctx.store.pool.acquire() as conn:
            rows = await conf.load_standards(conn)
        table = StandardsTable(Standard(r.parameter, r.jurisdiction, r.effective_from, r.value) for r in rows)
        chosen = list(table) if as_of is None else in_force(table, as_of)
        return [StandardOut.of(s) for s in chosen if parameter is None or s.parameter.startswith(parameter)]

    return router


def calendar_router() -> APIRouter:
    router = APIRouter(tags=["configuration"], responses=refusals(401, 403))

    @router.post("/calendar", status_code=204, summary="Declare a non-working or make-up working day")
    async def set_calendar_day(body: CalendarDayIn, ctx: Ctx, actor: CalendarSetter) -> None:
        """The working-day calendar is data: a public holiday (`working: false`) or a make-up
        working day on a weekend (`working: true`) moves the statutory periods (deadlines)."""
        await conf.set_calendar_day(
            ctx, actor, jurisdiction=body.jurisdiction, day=body.day, working=body.working, note=body.note
        )

    return router


def configuration_area(
    parameters: Mapping[str, conf.Bounded],
    *,
    example: dict[str, Any],
    calendar: bool = True,
    seed_demo: Seed | None = None,
) -> Area:
    """A service's configuration area: its standards and (``calendar``) the working-day calendar."""
    permissions = {"standard.set": frozenset({Role.STANDARDS_OFFICER}), "standard.read": OFFICIALS}
    routers = [standards_router(parameters, example)]
    if calendar:
        permissions["calendar.set"] = frozenset({Role.STANDARDS_OFFICER})
        routers.append(calendar_router())
    return Area(
        name="configuration",
        events=CONFIGURATION_EVENTS,
        routers=routers,
        permissions=permissions,
        seed_demo=seed_demo,
    )


__all__ = ["MAX_VALUE", "CalendarDayIn", "Division", "StandardOut", "configuration_area", "in_force"]
