"""Residents' units of work (入住, 请假, 销假, 就医, 离院).

An admission, in one unit: the institution's standing row read ``FOR SHARE`` (refused while
admissions are suspended or once closed), the person's one open stay (by pseudonym) and a free bed
taken from the guard rows, then ``ResidentAdmitted`` on the new residency stream. A leave
schedules its return date on the kit's durable deadlines (kind ``residency-leave``, due at 00:00
+08:00 after the return date); the return closes it; a discharge cancels it, frees the bed and
closes the stay."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import standards_table
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import end_of_day, local_date
from minzheng_kernel.events import DomainEvent

from ...domain.institutions import residency as r
from . import guards
from .streams import LEAVE, PERSON_PURPOSE, RESIDENCY, leave_subject, residency_stream


def person_token(ctx: ServiceContext, person: ResidentId | str) -> str:
    value = person.reveal() if isinstance(person, ResidentId) else person
    return ctx.pseudonyms.token(PERSON_PURPOSE, value)


async def admit(
    ctx: ServiceContext,
    actor: Actor,
    institution_id: str,
    *,
    residency_id: str,
    person: ResidentId,
    is_tekun: bool,
    care_level: r.CareLevel,
    agreement_number: str,
    agreement_date: date,
    admitted_on: date,
) -> r.Residency:
    token = person_token(ctx, person)
    stream = residency_stream(institution_id, residency_id)

    async def unit(uow: UnitOfWork) -> r.Residency:
        standing = await guards.standing_for_share(uow.conn, institution_id)
        if standing is not None:
            actor.require_within(standing.township, "institution_id")
        state = await uow.load(RESIDENCY, stream)
        facts = r.admit(
            state,
            standing,
            residency_id=residency_id,
            person=person.reveal(),
            is_tekun=is_tekun,
            care_level=care_level,
            agreement_number=agreement_number,
            agreement_date=agreement_date,
            admitted_on=admitted_on,
            today=local_date(ctx.clock.now()),
        )
        if not facts:  # the same admission re-sent: its original result
            return state
        await guards.open_stay(
            uow.conn, person_token=token, residency_id=residency_id, institution_id=institution_id
        )
        await guards.take_bed(uow.conn, institution_id)
        assert standing is not None
        return await uow.record(RESIDENCY, stream, facts, jurisdiction=standing.township)

    return await ctx.run(actor, unit)


async def _decided(
    ctx: ServiceContext,
    actor: Actor,
    institution_id: str,
    residency_id: str,
    decide: Callable[[UnitOfWork, r.Residency, date], Awaitable[list[DomainEvent]]],
) -> r.Residency:
    """Load the stay, check the caller's division, decide (with the unit, for its guard rows and
    deadlines), append."""
    stream = residency_stream(institution_id, residency_id)

    async def unit(uow: UnitOfWork) -> r.Residency:
        state = (await uow.load(RESIDENCY, stream)).exists()
        actor.require_within(state.township, "residency_id")
        facts = await decide(uow, state, local_date(ctx.clock.now()))
        return await uow.record(RESIDENCY, stream, facts, jurisdiction=state.township)

    return await ctx.run(actor, unit)


async def grant_leave(
    ctx: ServiceContext,
    actor: Actor,
    institution_id: str,
    residency_id: str,
    *,
    leave_from: date,
    return_by: date,
    reason: str,
) -> r.Residency:
    stream = residency_stream(institution_id, residency_id)

    async def decide(uow: UnitOfWork, state: r.Residency, today: date) -> list[DomainEvent]:
        facts = r.grant_leave(
            state,
            await standards_table(uow),
            leave_from=leave_from,
            return_by=return_by,
            reason=reason,
            today=today,
        )
        due = end_of_day(return_by)
        await deadlines.schedule(
            uow.conn,
            kind=LEAVE,
            subject=leave_subject(stream, state.leaves + 1),
            due_at=due,
            starts_at=min(ctx.clock.now(), due),
            jurisdiction=state.township,
        )
        return facts

    return await _decided(ctx, actor, institution_id, residency_id, decide)


async def return_from_leave(
    ctx: ServiceContext, actor: Actor, institution_id: str, residency_id: str, *, returned_on: date
) -> r.Residency:
    stream = residency_stream(institution_id, residency_id)

    async def decide(uow: UnitOfWork, state: r.Residency, today: date) -> list[DomainEvent]:
        facts = r.return_from_leave(state, returned_on=returned_on, today=today)
        await deadlines.close(uow.conn, LEAVE, leave_subject(stream, state.leaves), at=ctx.clock.now())
        return facts

    return await _decided(ctx, actor, institution_id, residency_id, decide)


async def record_visit(
    ctx: ServiceContext,
    actor: Actor,
    institution_id: str,
    residency_id: str,
    *,
    visited_on: date,
    facility: str,
    reason: str,
) -> r.Residency:
    async def decide(uow: UnitOfWork, state: r.Residency, today: date) -> list[DomainEvent]:
        return r.record_visit(state, visited_on=visited_on, facility=facility, reason=reason, today=today)

    return await _decided(ctx, actor, institution_id, residency_id, decide)


async def end_stay(uow: UnitOfWork, state: r.Residency, stream: str, *, at: datetime) -> None:
    """The guard rows and the leave deadline of a stay that ends (in the discharge's unit)."""
    assert state.residency_id is not None
    await guards.close_stay(uow.conn, state.residency_id)
    if state.status is r.Status.ON_LEAVE:
        await deadlines.close(uow.conn, LEAVE, leave_subject(stream, state.leaves), at=at, state="cancelled")


async def discharge(
    ctx: ServiceContext,
    actor: Actor,
    institution_id: str,
    residency_id: str,
    *,
    destination: r.Destination,
    discharged_on: date,
    transfer_to: str | None,
) -> r.Residency:
    stream = residency_stream(institution_id, residency_id)

    async def decide(uow: UnitOfWork, state: r.Residency, today: date) -> list[DomainEvent]:
        facts = r.discharge(
            state, destination=destination, discharged_on=discharged_on, today=today, transfer_to=transfer_to
        )
        await end_stay(uow, state, stream, at=ctx.clock.now())
        return facts

    return await _decided(ctx, actor, institution_id, residency_id, decide)
