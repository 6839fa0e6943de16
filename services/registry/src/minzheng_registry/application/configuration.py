"""The registry's configuration: standards and the working-day calendar, each row written with its
event; and how a unit reads them (in its own transaction, so a decision and the data it used agree)."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import ANY_VERSION, Actor, deadlines
from minzheng_eventstore import standards as stored
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import WorkingCalendar
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.standards import Standard, StandardsTable

from ..domain.configuration import CalendarDaySet, Parameter, StandardSet


async def standards_table(uow: UnitOfWork) -> StandardsTable:
    """Every standard, read in the unit's transaction."""
    rows = await stored.load_standards(uow.conn)
    return StandardsTable(Standard(r.parameter, r.jurisdiction, r.effective_from, r.value) for r in rows)


async def working_calendar(uow: UnitOfWork, jurisdiction: str) -> WorkingCalendar:
    """The working-day calendar in force for a place, read in the unit's transaction."""
    return await deadlines.load_calendar(uow.conn, jurisdiction)


def _within_county(ctx: ServiceContext, code: str, field: str) -> None:
    if not code.startswith(ctx.county):
        raise DomainError("outside_county", f"{code} is not within county {ctx.county}", field=field)


async def set_standard(
    ctx: ServiceContext,
    actor: Actor,
    *,
    parameter: Parameter,
    jurisdiction: str,
    effective_from: date,
    value: int,
) -> Standard:
    """Record a standard for a jurisdiction of the county from a date (national law is loaded as
    county rows). 409 ``standard_exists`` for the same parameter, jurisdiction and date; 422
    ``standard_out_of_range`` outside the parameter's bounds (``Parameter.minimum``..``maximum``)."""
    _within_county(ctx, jurisdiction, "jurisdiction")
    actor.require_within(jurisdiction, "jurisdiction")
    if not parameter.minimum <= value <= parameter.maximum:
        raise DomainError(
            "standard_out_of_range",
            f"a {parameter.value} standard is {parameter.minimum}..{parameter.maximum}",
            field="value",
        )
    standard = Standard(parameter.value, jurisdiction, effective_from, value)

    async def unit(uow: UnitOfWork) -> Standard:
        row = stored.StandardRow(parameter.value, jurisdiction, effective_from, value)
        if not await stored.insert_standard(uow.conn, row):
            raise Conflict(
                "standard_exists", f"{standard.standard_id} is already set", field="effective_from"
            )
        built = uow.builder.build([StandardSet(standard.standard_id, value)], jurisdiction=jurisdiction)
        await uow.append("standards", "standards", built, expected_version=ANY_VERSION)
        return standard

    return await ctx.run(actor, unit)


async def set_calendar_day(
    ctx: ServiceContext, actor: Actor, *, jurisdiction: str, day: date, working: bool, note: str = ""
) -> None:
    """Declare a non-working day or a make-up working day; a later declaration of the same day
    replaces the earlier (the event keeps both)."""
    _within_county(ctx, jurisdiction, "jurisdiction")
    actor.require_within(jurisdiction, "jurisdiction")

    async def unit(uow: UnitOfWork) -> None:
        await deadlines.set_calendar_day(uow.conn, jurisdiction, day, working=working, note=note)
        fact = CalendarDaySet(jurisdiction, day.isoformat(), working, note)
        built = uow.builder.build([fact], jurisdiction=jurisdiction)
        await uow.append("calendar", "calendar", built, expected_version=ANY_VERSION)

    await ctx.run(actor, unit)


NATIONAL: tuple[tuple[Parameter, date, int], ...] = (
    # 1950 婚姻法 art. 4; 1980 婚姻法 art. 5 (from 1981-01-01); Civil Code art. 1047
    (Parameter.MARRIAGE_AGE_MALE, date(1950, 5, 1), 20),
    (Parameter.MARRIAGE_AGE_FEMALE, date(1950, 5, 1), 18),
    (Parameter.MARRIAGE_AGE_MALE, date(1981, 1, 1), 22),
    (Parameter.MARRIAGE_AGE_FEMALE, date(1981, 1, 1), 20),
    # Civil Code art. 1077 (from 2021-01-01)
    (Parameter.DIVORCE_COOLING_OFF_DAYS, date(2021, 1, 1), 30),
    (Parameter.DIVORCE_CERTIFICATE_WINDOW_DAYS, date(2021, 1, 1), 30),
    # 民事发〔1998〕10号: area limits and the 20-year use cycle
    (Parameter.PLOT_AREA_MAX_ASHES, date(1998, 1, 1), 100),
    (Parameter.PLOT_AREA_MAX_BODY_SINGLE, date(1998, 1, 1), 400),
    (Parameter.PLOT_AREA_MAX_BODY_DOUBLE, date(1998, 1, 1), 600),
    (Parameter.PLOT_USE_YEARS, date(1998, 1, 1), 20),
    # waiver of basic fees at least for 低保 recipients (A5 L273); [assume] the rest
    (Parameter.FUNERAL_FEE_WAIVER_SCOPE, date(2009, 1, 1), 1),
    (Parameter.PLOT_KEEP_FOR_SPOUSE, date(1998, 1, 1), 1),
    (Parameter.ILLEGAL_BURIAL_RECTIFICATION_DAYS, date(1998, 1, 1), 30),
    (Parameter.PLACE_NAME_PUBLICATION_DAYS, date(2022, 5, 1), 15),
)
"""The national figures of the rules (registry-rules §1 "Standards"), loaded as rows of the county;
a county adds its own (a waiver for all residents, 0.5 m² for ashes) from a date."""


async def load_national_standards(ctx: ServiceContext) -> int:
    """Record every ``NATIONAL`` standard for the county that is not set yet (the service's own
    tool: the demo, the tests, a new deployment's first run); the count recorded."""
    tool = Actor("registry-setup")
    recorded = 0
    for parameter, effective_from, value in NATIONAL:
        try:
            await set_standard(
                ctx,
                tool,
                parameter=parameter,
                jurisdiction=ctx.county,
                effective_from=effective_from,
                value=value,
            )
            recorded += 1
        except Conflict:
            pass
    return recorded
