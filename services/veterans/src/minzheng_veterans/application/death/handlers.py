"""The caseworker's commands on a death-benefit case: determine (the cause, or again once the
standard is in force), record the payee, pay the one-off (exactly once: one payment id per case);
on a recovery task, record a repayment or waive the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import NotFound
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


async def _on_task(
    ctx: ServiceContext, actor: Actor, task_id: str, decide: Callable[[c.Case], list[DomainEvent]]
) -> c.Overpayment:
    """Load the task's case, decide, append (a concurrent writer: the unit is run again on the
    committed state, so two repayments of the last amount cannot both pass)."""
    cid = c.case_of_task(task_id)
    if cid is None:
        raise NotFound("task_not_found", "no such recovery task", field="task_id")

    async def unit(uow: UnitOfWork) -> c.Overpayment:
        state = await existing(uow, actor, cid)
        c.task(state, task_id)
        facts = decide(state)
        recorded = await uow.record(CASE, case_stream(cid), facts, jurisdiction=state.residence)
        return c.task(recorded, task_id)

    try:
        return await ctx.run(actor, unit)
    except NotFound as missing:
        if missing.code == "case_not_found":
            raise NotFound("task_not_found", "no such recovery task", field="task_id") from None
        raise


async def record_repayment(
    ctx: ServiceContext,
    actor: Actor,
    task_id: str,
    *,
    receipt: str,
    amount_fen: int,
    repaid_on: date,
    note: str = "",
) -> c.Overpayment:
    """A repayment on a recovery task (退回); the task closes when nothing is owed."""
    today = local_date(ctx.clock.now())
    return await _on_task(
        ctx,
        actor,
        task_id,
        lambda s: c.record_repayment(
            s, task_id, receipt=receipt, amount_fen=amount_fen, repaid_on=repaid_on, today=today, note=note
        ),
    )


async def waive(ctx: ServiceContext, actor: Actor, task_id: str, *, reason: str) -> c.Overpayment:
    """The county approver waives what is still owed on a task (核销), with the reason."""
    return await _on_task(ctx, actor, task_id, lambda s: c.waive(s, task_id, reason=reason))
