"""The county's configuration: its divisions and its standards, each row written with its event."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import ANY_VERSION, Actor
from minzheng_eventstore import standards as stored
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import Conflict, DomainError
from minzheng_eventstore.uow import UnitOfWork

from ..domain import events as ev
from ..domain.periods import county_today
from ..domain.standards import Parameter, Standard, check_effective_from
from .guards import require_division


async def register_division(ctx: ServiceContext, actor: Actor, *, code: str, name: str, level: str) -> None:
    if not code.startswith(ctx.county):
        raise DomainError("outside_county", f"{code} is not within county {ctx.county}", field="code")
    actor.require_within(code, "code")

    async def unit(uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "INSERT INTO divisions (code, name, level) VALUES ($1, $2, $3) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            code,
            name,
            level,
        )
        fact = ev.DivisionRegistered(code, name, level)
        built = uow.builder.build([fact], jurisdiction=ctx.county)
        await uow.append("divisions", "registry", built, expected_version=ANY_VERSION)

    await ctx.run(actor, unit)


async def set_standard(
    ctx: ServiceContext,
    actor: Actor,
    *,
    parameter: Parameter,
    jurisdiction: str,
    effective_from: date,
    value: int,
    correction: str | None = None,
) -> Standard:
    """Record a standard (e.g. a raise of the 低保 standard from a date). Standards are never edited:
    a new one with a later ``effective_from`` supersedes the old from that day.

    A standard takes effect today or later (the county's date); one from a past date is a
    correction, with its reason (``correction``, recorded on ``StandardSet``): the HTTP routes give
    ``POST /standards`` to the standards officer and ``POST /standards/corrections`` to the county
    approver. The rule binds every caller with a token (``actor.jurisdiction``); the service's own
    tools (the demo seed, the benchmarks, test set-ups), acting with no division, load a county's
    history of standards as it was."""
    if value < 0:
        raise DomainError("negative_standard", "a standard cannot be negative", field="value")
    if value > parameter.maximum:
        raise DomainError(
            "standard_out_of_range",
            f"a {parameter.value} standard is at most {parameter.maximum}",
            field="value",
        )
    if correction is not None or actor.jurisdiction is not None:
        check_effective_from(effective_from, county_today(ctx.clock.now()), correction=correction)
    standard = Standard(parameter, jurisdiction, effective_from, value)

    async def unit(uow: UnitOfWork) -> Standard:
        await require_division(uow.conn, ctx.county, jurisdiction, "jurisdiction")
        actor.require_within(jurisdiction, "jurisdiction")
        row = stored.StandardRow(parameter.value, jurisdiction, effective_from, value)
        if not await stored.insert_standard(uow.conn, row):
            raise Conflict(
                "standard_exists", f"{standard.standard_id} is already set", field="effective_from"
            )
        fact = ev.StandardSet(standard.standard_id, value, correction)
        built = uow.builder.build([fact], jurisdiction=jurisdiction)
        await uow.append("standards", "standards", built, expected_version=ANY_VERSION)
        return standard

    return await ctx.run(actor, unit)
