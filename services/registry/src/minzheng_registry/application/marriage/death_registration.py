"""The units of work of death registration (死亡登记): the registration (ending a marriage and an
open divorce application in the same unit), its corrections and a revoked declaration of death.
Lock order as in ``handlers``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_kernel.events import DomainEvent

from ...domain.death import DeathRecord
from ...domain.marriage import deaths, marriage, person
from ..people import DEATH as DEATH_AGG
from ..people import (
    death_stream,
    person_stream,
    registered_death,
)
from .streams import LAPSE, MARRIAGE, PERSON, lapse_subject, marriage_stream
from .units import in_county

# --------------------------------------------------------------------------------------- death


async def register_death(
    ctx: ServiceContext,
    actor: Actor,
    *,
    deceased: ResidentId,
    date_of_death: date,
    place: str,
    residence: str,
    office: str,
    declared: bool = False,
    registration_id: UUID | None = None,
) -> DeathRecord:
    """Register a death (死亡登记), one per person. In the same unit the person becomes deceased,
    a current marriage ends by death (the spouse widowed) and an open divorce application is
    terminated (its deadline closed)."""
    in_county(ctx, actor, office)
    rid = str(registration_id or uuid.uuid4())
    dstream = death_stream(ctx.pseudonyms, deceased)
    pstream = person_stream(ctx.pseudonyms, deceased)

    async def unit(uow: UnitOfWork) -> DeathRecord:
        now = ctx.clock.now()
        today = local_date(now)
        record = await registered_death(uow, ctx.pseudonyms, deceased)
        facts = deaths.register(
            record,
            registration_id=rid,
            deceased=deceased,
            date_of_death=date_of_death,
            place=place,
            residence=residence,
            office=office,
            now=now,
            today=today,
            declared=declared,
        )
        dod = date_of_death.isoformat()
        state = await uow.load(PERSON, pstream)
        writes: dict[str, list[DomainEvent]] = {
            pstream: person.die(state, registration_id=rid, date_of_death=dod)
        }
        ended: tuple[str, list[DomainEvent], str | None] | None = None
        if state.married and state.marriage_id is not None:
            mstream = marriage_stream(state.marriage_id)
            mstate = await uow.load(MARRIAGE, mstream)
            mfacts = marriage.end_by_death(
                mstate, deceased=deceased.reveal(), registration_id=rid, date_of_death=dod, today=today
            )
            open_app = mstate.open_application
            ended = (mstream, mfacts, None if open_app is None else open_app.application_id)
            spouse = mstate.wife if mstate.party(deceased.reveal()) == "husband" else mstate.husband
            sstream = person_stream(ctx.pseudonyms, spouse)
            sstate = await uow.load(PERSON, sstream)
            # widowed on the day the marriage ended (its registration day for a death dated before)
            ended_on = next(
                (f.date_of_death for f in mfacts if isinstance(f, marriage.MarriageEndedByDeath)), dod
            )
            writes[sstream] = person.widow(
                sstate, marriage_id=state.marriage_id, date_of_death=ended_on, registration_id=rid
            )
        taken = await uow.conn.fetchval(
            "SELECT stream_id FROM registry_death_registrations WHERE registration_id = $1", uuid.UUID(rid)
        )
        if taken is not None:
            raise Conflict(
                "registration_id_taken", "this registration id is already used", field="registration_id"
            )
        await uow.conn.execute(
            "INSERT INTO registry_death_registrations (registration_id, stream_id, office) "
            "VALUES ($1, $2, $3)",
            uuid.UUID(rid),
            dstream,
            office,
        )
        after = await uow.record(DEATH_AGG, dstream, facts, jurisdiction=office)
        for stream in sorted(writes):
            await uow.record(PERSON, stream, writes[stream], jurisdiction=office)
        if ended is not None:
            mstream, mfacts, application = ended
            if application is not None:
                await deadlines.close(
                    uow.conn,
                    LAPSE,
                    lapse_subject(mstream.removeprefix("marriage-"), application),
                    at=now,
                    state="cancelled",
                )
            await uow.record(MARRIAGE, mstream, mfacts, jurisdiction=office)
        return after

    return await ctx.run(actor, unit)


async def death_stream_of(ctx: ServiceContext, registration_id: UUID) -> tuple[str, str]:
    """(death stream, office) of a registration; 404 ``death_not_found``."""
    async with ctx.store.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT stream_id, office FROM registry_death_registrations WHERE registration_id = $1",
            registration_id,
        )
    if row is None:
        raise NotFound("death_not_found", "no such death registration", field="registration_id")
    return str(row["stream_id"]), str(row["office"])


async def correct_death(
    ctx: ServiceContext,
    actor: Actor,
    *,
    registration_id: UUID,
    date_of_death: date,
    place: str,
    residence: str,
    reason: str,
) -> DeathRecord:
    """Correct a registered death (更正): ``DeathRegistrationCorrected``; the registration stays. A
    correction that dates the death before the marriage it ended was registered flags that
    marriage for review (``death_before_registration``), in the same unit."""
    dstream, office = await death_stream_of(ctx, registration_id)
    actor.require_within(office, "office")

    async def unit(uow: UnitOfWork) -> DeathRecord:
        today = local_date(ctx.clock.now())
        record = await uow.load(DEATH_AGG, dstream)
        facts = deaths.correct(
            record,
            registration_id=str(registration_id),
            date_of_death=date_of_death,
            place=place,
            residence=residence,
            reason=reason,
            today=today,
        )
        flagged: tuple[str, list[DomainEvent]] | None = None
        if record.deceased is not None:
            pstate = await uow.load(PERSON, person_stream(ctx.pseudonyms, record.deceased))
            if pstate.marriage_id is not None:
                # the marriage the death ended, now dated before it began: flagged for review
                mstream = marriage_stream(pstate.marriage_id)
                mstate = await uow.load(MARRIAGE, mstream)
                mfacts = marriage.flag_corrected_death(
                    mstate, registration_id=str(registration_id), date_of_death=date_of_death.isoformat()
                )
                flagged = (mstream, mfacts) if mfacts else None
        after = await uow.record(DEATH_AGG, dstream, facts, jurisdiction=office)
        if flagged is not None:
            await uow.record(MARRIAGE, flagged[0], flagged[1], jurisdiction=office)
        return after

    return await ctx.run(actor, unit)


@dataclass(frozen=True, slots=True)
class Revoked:
    record: DeathRecord
    marriage_revived: str | None


async def revoke_death(
    ctx: ServiceContext, actor: Actor, *, registration_id: UUID, reason: str, spouse_declines: bool = False
) -> Revoked:
    """A court revoked a declaration of death (撤销死亡宣告, Civil Code art. 51): the person is
    alive again; the marriage the declaration ended revives, unless the spouse has remarried or
    declined in writing (``spouse_declines``)."""
    dstream, office = await death_stream_of(ctx, registration_id)
    actor.require_within(office, "office")
    rid = str(registration_id)

    async def unit(uow: UnitOfWork) -> Revoked:
        today = local_date(ctx.clock.now())
        record = await uow.load(DEATH_AGG, dstream)
        facts = deaths.revoke(record, registration_id=rid, reason=reason)
        assert record.deceased is not None
        pstream = person_stream(ctx.pseudonyms, record.deceased)
        pstate = await uow.load(PERSON, pstream)
        writes: dict[str, list[DomainEvent]] = {}
        revived: tuple[str, list[DomainEvent]] | None = None
        if pstate.before_death is person.MaritalStatus.MARRIED and pstate.marriage_id is not None:
            mstream = marriage_stream(pstate.marriage_id)
            mstate = await uow.load(MARRIAGE, mstream)
            spouse = mstate.wife if mstate.party(record.deceased) == "husband" else mstate.husband
            sstream = person_stream(ctx.pseudonyms, spouse)
            sstate = await uow.load(PERSON, sstream)
            mfacts = marriage.revive(mstate, registration_id=rid, on=today)
            if mfacts and not spouse_declines and person.may_revive(sstate, pstate.marriage_id):
                revived = (mstream, mfacts)
                writes[sstream] = person.revive(sstate, marriage_id=pstate.marriage_id, on=today.isoformat())
        writes[pstream] = person.revoke_death(
            pstate, registration_id=rid, marriage_revived=revived is not None
        )
        after = await uow.record(DEATH_AGG, dstream, facts, jurisdiction=office)
        for stream in sorted(writes):
            await uow.record(PERSON, stream, writes[stream], jurisdiction=office)
        if revived is not None:
            await uow.record(MARRIAGE, revived[0], revived[1], jurisdiction=office)
        return Revoked(after, None if revived is None else revived[0].removeprefix("marriage-"))

    return await ctx.run(actor, unit)
