"""The caseworker's commands on a death-benefit case: determine (the cause, or again once the
standard is in force), record the payee, pay the one-off (exactly once: one payment id per case)."""

from __future__ import annotations

from collections.abc import Callable

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import StandardsTable

from ...domain.death import case as c
from ..configuration import standards_table
from .streams import CASE, case_stream


async def existing(uow: UnitOfWork, actor: Actor, cid: str) -> c.Case:
    state = (await uow.load(CASE, case_stream(cid))).exists()
    actor.require_within(state.residence, "case_id")
    return state


async def _decided(
    ctx: ServiceContext, actor: Actor, cid: str, decide: Callable[[c.Case, StandardsTable], list[DomainEvent]]
) -> c.Case:
    async def unit(uow: UnitOfWork) -> c.Case:
        state = await existing(uow, actor, cid)
        facts = decide(state, await standards_table(uow))
        return await uow.record(CASE, case_stream(cid), facts, jurisdiction=state.residence)

    return await ctx.run(actor, unit)


async def determine(
    ctx: ServiceContext, actor: Actor, cid: str, *, cause: c.Cause | None, wage_fen: int | None
) -> c.Case:
    return await _decided(ctx, actor, cid, lambda s, t: c.determine(s, t, cause=cause, wage_fen=wage_fen))


async def record_payee(
    ctx: ServiceContext, actor: Actor, cid: str, *, name: str, relation: c.Relation
) -> c.Case:
    return await _decided(ctx, actor, cid, lambda s, _: c.record_payee(s, name=name, relation=relation))


async def pay(ctx: ServiceContext, actor: Actor, cid: str) -> c.Case:
    return await _decided(ctx, actor, cid, lambda s, _: c.pay(s))
