"""Unregistered homes' cases (未备案养老机构): reported, then registered (the home's record exists)
or closed down."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import within_county
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import NotFound
from minzheng_kernel.events import DomainEvent

from ...domain.institutions import unregistered as u
from .streams import INSTITUTION, UNREGISTERED, institution_stream, unregistered_stream


async def report(
    ctx: ServiceContext,
    actor: Actor,
    *,
    case_id: str,
    name: str,
    township: str,
    address: str,
    residents: int,
    reported_on: date,
) -> u.UnregisteredHome:
    within_county(ctx, township, "township")
    actor.require_within(township, "township")
    stream = unregistered_stream(case_id)

    async def unit(uow: UnitOfWork) -> u.UnregisteredHome:
        state = await uow.load(UNREGISTERED, stream)
        facts = u.report(
            state,
            case_id=case_id,
            name=name,
            township=township,
            address=address,
            residents=residents,
            reported_on=reported_on,
            today=local_date(ctx.clock.now()),
        )
        return await uow.record(UNREGISTERED, stream, facts, jurisdiction=township)

    return await ctx.run(actor, unit)


async def _closed(
    ctx: ServiceContext,
    actor: Actor,
    case_id: str,
    decide: Callable[[u.UnregisteredHome, date], list[DomainEvent]],
    *,
    institution_id: str | None = None,
) -> u.UnregisteredHome:
    stream = unregistered_stream(case_id)

    async def unit(uow: UnitOfWork) -> u.UnregisteredHome:
        state = await uow.load(UNREGISTERED, stream)
        if state.case_id is not None:
            actor.require_within(state.township, "case_id")
        if institution_id is not None and state.open:
            home = await uow.load(INSTITUTION, institution_stream(institution_id))
            if home.institution_id is None:
                raise NotFound(
                    "institution_not_found", "no such registered institution", field="institution_id"
                )
        facts = decide(state, local_date(ctx.clock.now()))
        return await uow.record(UNREGISTERED, stream, facts, jurisdiction=state.township)

    return await ctx.run(actor, unit)


async def registered(
    ctx: ServiceContext, actor: Actor, case_id: str, *, institution_id: str, on: date
) -> u.UnregisteredHome:
    return await _closed(
        ctx,
        actor,
        case_id,
        lambda st, today: u.registered(st, institution_id=institution_id, on=on, today=today),
        institution_id=institution_id,
    )


async def closed_down(
    ctx: ServiceContext, actor: Actor, case_id: str, *, on: date, note: str
) -> u.UnregisteredHome:
    return await _closed(
        ctx, actor, case_id, lambda st, today: u.closed_down(st, on=on, note=note, today=today)
    )
