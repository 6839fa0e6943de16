"""The county's configuration: its divisions (the registry's) and its standards, each row written
with its event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import structlog

from minzheng_eventstore import ANY_VERSION, Actor
from minzheng_eventstore import standards as stored
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import Conflict, DomainError
from minzheng_eventstore.uow import UnitOfWork

from ..domain import events as ev
from ..domain.periods import county_today
from ..domain.standards import Parameter, Standard, check_effective_from
from .guards import require_division

log = structlog.get_logger("assistance.configuration")


@dataclass(frozen=True, slots=True)
class Division:
    """A division of the county as the registry records it (行政区划, ``DivisionRecorded``)."""

    code: str
    name: str
    level: str
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    """Abolished (撤销) from this day: no new case is opened in it from then on."""


async def record_division(
    ctx: ServiceContext, uow: UnitOfWork, division: Division, *, recorded_at: datetime
) -> bool:
    """Take the registry's record of a division into the county's table (upserted by code), in
    ``uow``: what the consumer of ``DivisionRecorded`` does, and what a set-up without a registry
    (the demo seed, tests) calls. A record older than the one held (``recorded_at``) changes
    nothing; ``False`` then. The divisions are the registry's: assistance registers none itself."""
    if not division.code.startswith(ctx.county):
        log.warning("division.outside_county", code=division.code)
        return False
    changed = await uow.conn.fetchval(
        """INSERT INTO divisions (code, name, level, parent, valid_from, valid_to, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
               parent = excluded.parent, valid_from = excluded.valid_from,
               valid_to = excluded.valid_to, recorded_at = excluded.recorded_at
           WHERE divisions.recorded_at IS NULL OR divisions.recorded_at <= excluded.recorded_at
           RETURNING true""",
        division.code,
        division.name,
        division.level,
        division.parent,
        division.valid_from,
        division.valid_to,
        recorded_at,
    )
    if not changed:
        return False
    fact = ev.DivisionRegistered(
        division.code,
        division.name,
        division.level,
        parent=division.parent,
        valid_from=division.valid_from.isoformat() if division.valid_from else None,
        valid_to=division.valid_to.isoformat() if division.valid_to else None,
    )
    built = uow.builder.build([fact], jurisdiction=ctx.county)
    await uow.append("divisions", "registry", built, expected_version=ANY_VERSION)
    return True


async def load_divisions(ctx: ServiceContext, actor: Actor, divisions: Sequence[Division]) -> None:
    """Record ``divisions`` as the registry would (one unit): the demo seed's and the tests' way
    to a county's divisions without a registry running."""

    async def unit(uow: UnitOfWork) -> None:
        for division in divisions:
            await record_division(ctx, uow, division, recorded_at=ctx.clock.now())

    await ctx.run(actor, unit)


async def register_division(
    ctx: ServiceContext, actor: Actor, *, code: str, name: str, level: str, valid_from: date | None = None
) -> None:
    """One division recorded as the registry would (``load_divisions``), for set-ups without a
    registry running (the fault tests). There is no route for it: in production the divisions
    come from ``DivisionRecorded``."""
    parent = code[:9] if len(code) == 12 else code[:6]
    await load_divisions(ctx, actor, [Division(code, name, level, parent=parent, valid_from=valid_from)])


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
        await require_division(uow.conn, ctx.county, jurisdiction, "jurisdiction", on=effective_from)
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
