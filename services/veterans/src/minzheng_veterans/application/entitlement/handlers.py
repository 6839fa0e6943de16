"""The entitlement area's units of work: recognition (once per person and category: the guard
table ``veterans_entitlements``, its ``UNIQUE (person_token, category)`` the backstop), transfer in,
grade and category changes, suspension and resumption, cancellation, transfer out, and the end of
every entitlement of a person (for the death area)."""

from __future__ import annotations

import uuid
from datetime import date

from minzheng_contracts import Period, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...domain.entitlement import entitlement as e
from ...domain.entitlement.categories import Terms
from ..configuration import standards_table
from ..conscripts.handlers import in_county
from .streams import ENTITLEMENT, entitlement_stream, person_token

_CLAIM = (
    "INSERT INTO veterans_entitlements (entitlement_id, person_token, category) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING RETURNING entitlement_id"
)


async def recognise(
    ctx: ServiceContext,
    actor: Actor,
    *,
    resident_id: ResidentId,
    residence: str,
    terms: Terms,
    approved_on: date,
    transferred_from: str | None = None,
    transferred_on: date | None = None,
) -> e.Entitlement:
    """Recognise a person in a category (认定), or take over one transferred in (迁入); 409
    ``already_recognised`` when the person holds the category."""
    in_county(ctx, actor, residence, "residence")
    person = person_token(ctx.pseudonyms, resident_id)
    eid = str(uuid.uuid4())
    stream = entitlement_stream(eid)

    async def unit(uow: UnitOfWork) -> e.Entitlement:
        state = await uow.load(ENTITLEMENT, stream)
        facts = e.recognise(
            state,
            await standards_table(uow),
            entitlement_id=eid,
            person=person,
            resident_id=resident_id.reveal(),
            residence=residence,
            terms=terms,
            approved_on=approved_on,
            today=local_date(ctx.clock.now()),
            transferred_from=transferred_from,
            transferred_on=transferred_on,
        )
        if await uow.conn.fetchval(_CLAIM, eid, person, terms.category.value) is None:
            raise Conflict("already_recognised", "this person holds this category already", field="category")
        return await uow.record(ENTITLEMENT, stream, facts, jurisdiction=residence)

    return await ctx.run(actor, unit)


async def _existing(uow: UnitOfWork, actor: Actor, eid: str) -> e.Entitlement:
    state = await uow.load(ENTITLEMENT, entitlement_stream(eid))
    state.current  # noqa: B018 (404 for none)
    actor.require_within(state.residence, "entitlement_id")
    return state


async def change_terms(ctx: ServiceContext, actor: Actor, eid: str, new: Terms) -> e.Entitlement:
    """A grade or category change from a month; a category the person holds already is 409."""

    async def unit(uow: UnitOfWork) -> e.Entitlement:
        state = await _existing(uow, actor, eid)
        facts = e.change_terms(state, await standards_table(uow), new)
        if new.category is not state.current.category:
            held = await uow.conn.fetchval(
                "SELECT 1 FROM veterans_entitlements WHERE person_token = $1 AND category = $2",
                state.person,
                new.category.value,
            )
            if held:
                raise Conflict(
                    "already_recognised", "the person holds this category already", field="category"
                )
            await uow.conn.execute(
                "UPDATE veterans_entitlements SET category = $2 WHERE entitlement_id = $1",
                eid,
                new.category.value,
            )
        return await uow.record(ENTITLEMENT, entitlement_stream(eid), facts, jurisdiction=state.residence)

    return await ctx.run(actor, unit)


async def _decided(ctx: ServiceContext, actor: Actor, eid: str, decide: e.Decision) -> e.Entitlement:
    async def unit(uow: UnitOfWork) -> e.Entitlement:
        state = await _existing(uow, actor, eid)
        facts = decide(state)
        return await uow.record(ENTITLEMENT, entitlement_stream(eid), facts, jurisdiction=state.residence)

    return await ctx.run(actor, unit)


async def suspend(
    ctx: ServiceContext, actor: Actor, eid: str, *, reason: str, from_period: Period
) -> e.Entitlement:
    return await _decided(ctx, actor, eid, lambda s: e.suspend(s, reason=reason, from_period=from_period))


async def resume(ctx: ServiceContext, actor: Actor, eid: str, *, from_period: Period) -> e.Entitlement:
    return await _decided(ctx, actor, eid, lambda s: e.resume(s, from_period=from_period))


async def cancel(
    ctx: ServiceContext, actor: Actor, eid: str, *, reason: e.CancelReason, effective_from: Period, note: str
) -> e.Entitlement:
    return await _decided(ctx, actor, eid, lambda s: e.cancel(s, reason, effective_from, note=note))


async def transfer_out(
    ctx: ServiceContext, actor: Actor, eid: str, *, to_county: str, transferred_on: date
) -> e.Entitlement:
    today = local_date(ctx.clock.now())
    return await _decided(
        ctx,
        actor,
        eid,
        lambda s: e.transfer_out(s, to_county=to_county, transferred_on=transferred_on, today=today),
    )


async def end_person(
    uow: UnitOfWork, person: str, reason: e.CancelReason, effective_from: Period, *, note: str = ""
) -> list[e.Entitlement]:
    """End every open entitlement of ``person`` (a pseudonym, ``streams.person_token``) from
    ``effective_from``, in the caller's unit of work (the death area's: it runs once per death);
    what it ended, after the cancellation. Entitlements ended already are left as they are."""
    ids = await uow.conn.fetch(
        "SELECT entitlement_id FROM veterans_entitlements WHERE person_token = $1 ORDER BY entitlement_id",
        person,
    )
    ended = []
    for row in ids:
        stream = entitlement_stream(row["entitlement_id"])
        state = await uow.load(ENTITLEMENT, stream)
        if state.status in (e.Status.CANCELLED, e.Status.TRANSFERRED_OUT):
            continue
        facts = e.cancel(state, reason, effective_from, note=note)
        ended.append(await uow.record(ENTITLEMENT, stream, facts, jurisdiction=state.residence))
    return ended
