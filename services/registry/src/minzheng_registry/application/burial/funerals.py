"""The funeral case of a registered death (殡葬): cremation, the basic-fee waiver, the ashes'
disposition. One stream per death registration (``funeral-<registration_id>``): a second
cremation of one deceased is a 409, also under concurrency (the second append conflicts, the
retry sees the first)."""

from __future__ import annotations

from datetime import date

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError

from ...domain.burial import funeral as f
from ...domain.burial.cemetery import PlotType
from ..configuration import standards_table
from ..people import person_token, registered_death
from . import guards, recipients
from .streams import CEMETERY, FUNERAL, cemetery_stream, funeral_stream

BODY_PLOTS = frozenset({PlotType.BODY_SINGLE.value, PlotType.BODY_DOUBLE.value})


async def _death(uow: UnitOfWork, ctx: ServiceContext, actor: Actor, deceased: ResidentId) -> f.Death:
    record = await registered_death(uow, ctx.pseudonyms, deceased)
    if not record.is_dead:
        raise DomainError("not_deceased", "no death is registered for this person", field="deceased")
    assert record.registration_id and record.residence and record.date_of_death
    actor.require_within(record.residence, "deceased")
    return f.Death(record.registration_id, deceased.reveal(), record.residence, record.date_of_death)


async def record_cremation(
    ctx: ServiceContext, actor: Actor, *, deceased: ResidentId, cremated_on: date, funeral_home: str
) -> f.CremationRecorded:
    async def unit(uow: UnitOfWork) -> f.CremationRecorded:
        death = await _death(uow, ctx, actor, deceased)
        stream = funeral_stream(death.registration_id)
        state = await uow.load(FUNERAL, stream)
        facts = f.record_cremation(
            state,
            death,
            cremated_on=cremated_on,
            funeral_home=funeral_home,
            today=local_date(ctx.clock.now()),
        )
        await uow.record(FUNERAL, stream, facts, jurisdiction=death.residence)
        fact = facts[0]
        assert isinstance(fact, f.CremationRecorded)
        return fact

    return await ctx.run(actor, unit)


async def waive_basic_fees(
    ctx: ServiceContext,
    actor: Actor,
    *,
    deceased: ResidentId,
    services: list[str],
    assistance_certificate: str | None,
) -> f.BasicFuneralFeesWaived:
    async def unit(uow: UnitOfWork) -> f.BasicFuneralFeesWaived:
        death = await _death(uow, ctx, actor, deceased)
        stream = funeral_stream(death.registration_id)
        state = await uow.load(FUNERAL, stream)
        token = person_token(ctx.pseudonyms, deceased)
        recipient = await recipients.was_recipient(uow.conn, token, death.date_of_death)
        facts = f.waive_basic_fees(
            state,
            death,
            await standards_table(uow),
            services=services,
            recipient=recipient,
            certificate=assistance_certificate,
        )
        await uow.record(FUNERAL, stream, facts, jurisdiction=death.residence)
        fact = facts[0]
        assert isinstance(fact, f.BasicFuneralFeesWaived)
        return fact

    return await ctx.run(actor, unit)


async def dispose_ashes(
    ctx: ServiceContext,
    actor: Actor,
    *,
    deceased: ResidentId,
    disposition: f.Disposition,
    place: str,
    disposed_on: date,
) -> f.AshesDisposed:
    async def unit(uow: UnitOfWork) -> f.AshesDisposed:
        death = await _death(uow, ctx, actor, deceased)
        if disposed_on > local_date(ctx.clock.now()):
            raise DomainError("disposed_in_future", "the date is not in the future", field="disposed_on")
        stream = funeral_stream(death.registration_id)
        state = await uow.load(FUNERAL, stream)
        held = await guards.position_of(uow.conn, person_token(ctx.pseudonyms, deceased))
        facts = f.dispose_ashes(state, disposition=disposition, place=place, on=disposed_on, plot_held=held)
        await uow.record(FUNERAL, stream, facts, jurisdiction=death.residence)
        fact = facts[0]
        assert isinstance(fact, f.AshesDisposed)
        return fact

    return await ctx.run(actor, unit)


async def bury_body(
    ctx: ServiceContext, actor: Actor, *, deceased: ResidentId, buried_on: date
) -> f.BodyBuried:
    """The body buried in the body plot assigned to the deceased (土葬)."""

    async def unit(uow: UnitOfWork) -> f.BodyBuried:
        death = await _death(uow, ctx, actor, deceased)
        stream = funeral_stream(death.registration_id)
        state = await uow.load(FUNERAL, stream)
        held = await guards.position_of(uow.conn, person_token(ctx.pseudonyms, deceased))
        body_plot = None
        if held is not None:
            cemetery_id, plot, _position = held.split("/")
            where = await uow.load(CEMETERY, cemetery_stream(cemetery_id))
            spec = where.plots.get(plot)
            if spec is not None and spec.plot_type in BODY_PLOTS:
                body_plot = held
        today = local_date(ctx.clock.now())
        facts = f.bury_body(state, death, body_plot=body_plot, on=buried_on, today=today)
        await uow.record(FUNERAL, stream, facts, jurisdiction=death.residence)
        fact = facts[0]
        assert isinstance(fact, f.BodyBuried)
        return fact

    return await ctx.run(actor, unit)
