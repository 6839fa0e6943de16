"""Handlers for 特困 support, temporary aid and medical aid: one unit of work each."""

from __future__ import annotations

import uuid

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import NotFound, StreamNotFoundError
from minzheng_eventstore.uow import UnitOfWork

from ..domain import events as ev
from ..domain import other_aid as aid
from ..domain.periods import county_today
from . import guards
from .streams import MEDICAL, TEKUN, TEKUN_GROUP, TEMPORARY, medical_stream, tekun_stream, temporary_stream


async def confirm_tekun(
    ctx: ServiceContext,
    actor: Actor,
    *,
    case_id: uuid.UUID,
    person: str,
    residence: str,
    mode: aid.SupportMode,
) -> uuid.UUID:
    """Confirm a 特困 case; re-sent with the same content it returns the original result."""
    stream = tekun_stream(case_id)

    async def unit(uow: UnitOfWork) -> uuid.UUID:
        await guards.require_division(
            uow.conn, ctx.county, residence, "residence", on=county_today(ctx.clock.now())
        )
        actor.require_within(residence, "residence")
        state = await uow.load(TEKUN, stream)
        facts = aid.confirm_tekun(
            state,
            case_id=str(case_id),
            person=person,
            residence=residence,
            mode=mode,
            confirmed_by=actor.name,
            at=ctx.clock.now(),
        )
        if facts:
            await guards.enrol(
                uow.conn,
                ctx.pseudonyms,
                TEKUN_GROUP,
                [person],
                case_id,
                code="person_already_supported",
                message="this person already has a 特困 support case",
                field="person",
            )
            await uow.record(TEKUN, stream, facts, jurisdiction=residence)
        return case_id

    return await ctx.run(actor, unit)


async def change_tekun_mode(
    ctx: ServiceContext, actor: Actor, case_id: uuid.UUID, mode: aid.SupportMode
) -> None:
    stream = tekun_stream(case_id)

    async def unit(uow: UnitOfWork) -> None:
        state = await uow.load(TEKUN, stream)
        if not state.person:
            raise NotFound("unknown_case", f"no 特困 case {case_id}", field="case_id")
        actor.require_within(state.residence, "case_id")
        await uow.record(
            TEKUN, stream, aid.change_mode(state, mode=mode, by=actor.name), jurisdiction=state.residence
        )

    await ctx.run(actor, unit)


async def tekun_case(ctx: ServiceContext, case_id: uuid.UUID, actor: Actor) -> aid.TekunSupport:
    """A 特困 case's state (a query: one read), if it lives in ``actor``'s division; 404
    ``unknown_case``."""
    try:
        state = TEKUN.fold(await ctx.store.read_stream(tekun_stream(case_id)))
    except StreamNotFoundError:
        state = aid.TekunSupport()
    if not state.person:
        raise NotFound("unknown_case", f"no 特困 case {case_id}", field="case_id")
    actor.require_within(state.residence, "case_id")
    return state


async def grant_temporary_aid(
    ctx: ServiceContext,
    actor: Actor,
    *,
    grant_id: uuid.UUID,
    beneficiary: str,
    residence: str,
    cause: aid.AidCause,
    amount_fen: int,
) -> None:
    """A one-off grant (its event id is the grant id); re-sent with the same content it returns the
    original result, with other content it is refused (``id_reused``)."""
    stream = temporary_stream(grant_id)

    async def unit(uow: UnitOfWork) -> None:
        await guards.require_division(
            uow.conn, ctx.county, residence, "residence", on=county_today(ctx.clock.now())
        )
        actor.require_within(residence, "residence")
        state = await uow.load(TEMPORARY, stream)
        facts = aid.grant_temporary_aid(
            state,
            grant_id=str(grant_id),
            beneficiary=beneficiary,
            residence=residence,
            cause=cause,
            amount_fen=amount_fen,
            on=ctx.clock.now().date(),
            standards=await guards.standards_table(uow.conn),
        )
        await uow.record(TEMPORARY, stream, facts, jurisdiction=residence, event_ids=[grant_id])

    await ctx.run(actor, unit)


async def claim_medical_aid(
    ctx: ServiceContext,
    actor: Actor,
    *,
    claim_id: str,
    beneficiary: str,
    residence: str,
    receipts: list[aid.Receipt],
) -> ev.MedicalAidPaid:
    """Reimburse a claim against the person's annual cap (one stream per person and year, named by
    a keyed pseudonym of the person). A claim id is one claim: re-sent with the same content it
    returns the claim as paid, with other content (another person, other receipts) it is refused
    (``id_reused``), in whichever year it was paid."""

    async def unit(uow: UnitOfWork) -> ev.MedicalAidPaid:
        await guards.require_division(
            uow.conn, ctx.county, residence, "residence", on=county_today(ctx.clock.now())
        )
        actor.require_within(residence, "residence")
        today = ctx.clock.now().date()
        paid_by = await guards.medical_claim_stream(uow.conn, claim_id)
        stream = paid_by or medical_stream(ctx.pseudonyms, beneficiary, today.year)
        state = await uow.load(MEDICAL, stream)
        facts = aid.claim_medical_aid(
            state,
            claim_id=claim_id,
            beneficiary=beneficiary,
            residence=residence,
            receipts=receipts,
            on=today,
            standards=await guards.standards_table(uow.conn),
        )
        if not facts:
            original = state.claim(claim_id)
            assert original is not None, "a claim the stream paid"
            return original
        await guards.take_medical_claim(uow.conn, claim_id, stream)
        await uow.record(MEDICAL, stream, facts, jurisdiction=residence)
        paid = facts[0]
        assert isinstance(paid, ev.MedicalAidPaid)
        return paid

    return await ctx.run(actor, unit)
