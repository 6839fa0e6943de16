"""The 低保 household's commands, each one unit of work: load the stream once, decide, write the
guard rows, record — in one transaction, retried whole when another writer got there first."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from minzheng_eventstore import Actor, RecordedEvent
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import NotFound, StreamNotFoundError
from minzheng_eventstore.store import Connection
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.events import DomainEvent

from ..domain import household as hh
from ..domain.household import Household, Member, Status, Step
from ..domain.periods import county_today
from ..domain.standards import StandardsTable
from . import guards
from .configuration import register_division, set_standard
from .guards import standards_table
from .streams import HOUSEHOLD, HOUSEHOLD_GROUP, NAMESPACE, household_stream

Decision = Callable[[Household], Sequence[DomainEvent]]


async def apply_household(
    ctx: ServiceContext,
    actor: Actor,
    *,
    household_id: uuid.UUID,
    programme: str,
    residence: str,
    members: list[Member],
    official_relative: bool,
) -> uuid.UUID:
    """The application; re-sent with the same content it returns the original result."""
    stream = household_stream(household_id)

    async def unit(uow: UnitOfWork) -> uuid.UUID:
        await guards.require_division(
            uow.conn, ctx.county, residence, "residence", on=county_today(ctx.clock.now())
        )
        actor.require_within(residence, "residence")
        state = await uow.load(HOUSEHOLD, stream)
        facts = hh.apply(
            state,
            household_id=str(household_id),
            programme=programme,
            residence=residence,
            members=members,
            official_relative=official_relative,
            applied_at=ctx.clock.now(),
        )
        if facts:
            await guards.enrol(
                uow.conn,
                ctx.pseudonyms,
                HOUSEHOLD_GROUP,
                [m.resident_id for m in members],
                household_id,
                code="person_in_other_household",
                message="this person is already in another open assistance case",
                field="members.{index}.resident_id",
            )
            await uow.record(HOUSEHOLD, stream, facts, jurisdiction=residence)
        return household_id

    return await ctx.run(actor, unit)


async def decide_household(
    uow: UnitOfWork, household_id: uuid.UUID, decide: Decision, *, actor: Actor | None = None
) -> Household:
    """Within a unit: load the household (once), check that it lives in ``actor``'s division,
    decide, record; release its enrolments when the decision closes the case."""
    stream = household_stream(household_id)
    before = await uow.load(HOUSEHOLD, stream)
    if before.status == Status.NONE:
        raise NotFound("unknown_household", f"no household {household_id}", field="household_id")
    if actor is not None:
        actor.require_within(before.residence, "household_id")
    after = await uow.record(HOUSEHOLD, stream, decide(before), jurisdiction=before.residence)
    if after.status in hh.CLOSED and before.status not in hh.CLOSED:
        await guards.release(uow.conn, household_id)
    return after


async def _command(
    ctx: ServiceContext,
    actor: Actor,
    household_id: uuid.UUID,
    decide: Callable[[Household, StandardsTable | None, datetime], Sequence[DomainEvent]],
    *,
    standards: bool = False,
) -> Household:
    async def unit(uow: UnitOfWork) -> Household:
        table = await standards_table(uow.conn) if standards else None
        now = ctx.clock.now()
        return await decide_household(uow, household_id, lambda state: decide(state, table, now), actor=actor)

    return await ctx.run(actor, unit)


def _table(table: StandardsTable | None) -> StandardsTable:
    assert table is not None, "the command loads the standards"
    return table


async def record_step(
    ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, step: Step, passed: bool, notes: str
) -> Household:
    return await _command(
        ctx,
        actor,
        household_id,
        lambda s, _, __: hh.record_step(s, step, passed=passed, by=actor.name, notes=notes),
    )


async def post_notice(ctx: ServiceContext, actor: Actor, household_id: uuid.UUID) -> Household:
    return await _command(
        ctx,
        actor,
        household_id,
        lambda s, t, now: hh.post_notice(s, posted_at=now, standards=_table(t)),
        standards=True,
    )


async def raise_objection(
    ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, objection_id: str, summary: str
) -> Household:
    return await _command(
        ctx,
        actor,
        household_id,
        lambda s, _, now: hh.raise_objection(s, objection_id=objection_id, summary=summary, at=now),
    )


async def resolve_objection(
    ctx: ServiceContext,
    actor: Actor,
    household_id: uuid.UUID,
    objection_id: str,
    upheld: bool,
    resolution: str,
) -> Household:
    return await _command(
        ctx,
        actor,
        household_id,
        lambda s, _, __: hh.resolve_objection(
            s, objection_id=objection_id, upheld=upheld, resolution=resolution, by=actor.name
        ),
    )


async def approve(
    ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, classification: str | None
) -> Household:
    return await _command(
        ctx,
        actor,
        household_id,
        lambda s, t, now: hh.approve(
            s, now=now, standards=_table(t), approved_by=actor.name, classification=classification
        ),
        standards=True,
    )


async def reject(ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, reason: str) -> Household:
    return await _command(
        ctx, actor, household_id, lambda s, _, __: hh.reject(s, reason=reason, by=actor.name)
    )


async def recheck(
    ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, incomes: dict[str, int]
) -> Household:
    return await _command(
        ctx,
        actor,
        household_id,
        lambda s, t, now: hh.recheck(s, incomes=incomes, now=now, standards=_table(t), by=actor.name),
        standards=True,
    )


async def suspend(ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, reason: str) -> Household:
    return await _command(
        ctx, actor, household_id, lambda s, _, __: hh.suspend(s, reason=reason, by=actor.name)
    )


async def resume(ctx: ServiceContext, actor: Actor, household_id: uuid.UUID) -> Household:
    return await _command(ctx, actor, household_id, lambda s, _, __: hh.resume(s, by=actor.name))


async def withdraw(ctx: ServiceContext, actor: Actor, household_id: uuid.UUID, reason: str) -> Household:
    return await _command(ctx, actor, household_id, lambda s, _, __: hh.withdraw(s, reason=reason))


async def household(ctx: ServiceContext, household_id: uuid.UUID, actor: Actor | None = None) -> Household:
    """The household's current state (a query: one read, no transaction), if it lives in
    ``actor``'s division."""
    return reached(household_id, await household_events(ctx, household_id), actor)


async def household_events(
    ctx: ServiceContext, household_id: uuid.UUID, *, conn: Connection | None = None
) -> list[RecordedEvent]:
    """The household's stream (404 ``unknown_household`` if it has none)."""
    try:
        return await ctx.store.read_stream(household_stream(household_id), conn=conn)
    except StreamNotFoundError:
        raise NotFound("unknown_household", f"no household {household_id}", field="household_id") from None


def reached(household_id: uuid.UUID, events: Sequence[RecordedEvent], actor: Actor | None) -> Household:
    """The household folded from ``events``; 403 ``outside_jurisdiction`` if it lives outside
    ``actor``'s division."""
    state = HOUSEHOLD.fold(events)
    if state.status == Status.NONE:
        raise NotFound("unknown_household", f"no household {household_id}", field="household_id")
    if actor is not None:
        actor.require_within(state.residence, "household_id")
    return state


__all__ = [
    "NAMESPACE",
    "Actor",
    "apply_household",
    "approve",
    "decide_household",
    "household",
    "household_events",
    "household_stream",
    "post_notice",
    "raise_objection",
    "reached",
    "recheck",
    "record_step",
    "register_division",
    "reject",
    "resolve_objection",
    "resume",
    "set_standard",
    "suspend",
    "withdraw",
]
