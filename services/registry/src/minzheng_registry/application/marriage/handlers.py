"""The marriage area's units of work: load → decide → guard → append, each in ONE transaction
(``ctx.run``), retried whole on a conflict.

Lock order, the same in every unit so that no two deadlock: the certificate serial first, then the
death stream, the person streams in sorted order, the deadline row, and the marriage stream last.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor, ConcurrencyError, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import end_of_day, local_date
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import Standard, StandardsTable

from ...domain.configuration import Parameter
from ...domain.death import DeathRecord
from ...domain.marriage import deaths, marriage, person
from ...domain.marriage.rules import CertificateKind, CertificateNumber
from ..configuration import standards_table, working_calendar
from ..people import DEATH as DEATH_AGG
from ..people import (
    death_stream,
    historical_marriage_on_record,
    open_historical_marriage,
    person_stream,
    person_token,
    registered_death,
)
from . import certificates
from .streams import LAPSE, MARRIAGE, PERSON, lapse_subject, marriage_stream


def _office(ctx: ServiceContext, actor: Actor, office: str) -> None:
    if not office.startswith(ctx.county):
        raise DomainError(
            "outside_county", f"office {office} is not within county {ctx.county}", field="office"
        )
    actor.require_within(office, "office")


def _optional(table: StandardsTable, parameter: Parameter, place: str, on: date) -> Standard | None:
    try:
        return table.in_force(parameter.value, place, on)
    except DomainError:
        return None


# ------------------------------------------------------------------------------------ marriage


@dataclass(frozen=True, slots=True)
class MarriageResult:
    marriage_id: str
    certificate_number: str
    husband: ResidentId
    wife: ResidentId
    registered_on: date
    office: str
    standards: tuple[str, str]


async def register_marriage(
    ctx: ServiceContext,
    actor: Actor,
    *,
    party_a: ResidentId,
    party_b: ResidentId,
    office: str,
    both_present: bool,
    marriage_id: UUID | None = None,
) -> MarriageResult:
    """Register a marriage (结婚登记): both in person, one man and one woman, each of the legal age
    on the day, neither married (nor by the archive's record) nor deceased. One unit: the J serial,
    both person streams at their versions and the new marriage stream."""
    _office(ctx, actor, office)
    mid = str(marriage_id or uuid.uuid4())
    stream = marriage_stream(mid)

    async def unit(uow: UnitOfWork) -> MarriageResult:
        today = local_date(ctx.clock.now())
        table = await standards_table(uow)
        male = table.in_force(Parameter.MARRIAGE_AGE_MALE.value, office, today)
        female = table.in_force(Parameter.MARRIAGE_AGE_FEMALE.value, office, today)
        if not both_present:
            raise DomainError(
                "both_parties_in_person", "both parties must appear in person", field="both_present"
            )
        husband, wife = marriage.husband_and_wife(
            party_a, party_b, on=today, male_age=male, female_age=female
        )
        existing = await uow.load(MARRIAGE, stream)
        if existing.status is not marriage.MarriageStatus.NONE:
            raise Conflict("marriage_exists", "this marriage id is already registered", field="marriage_id")
        parties = sorted(
            (
                (person_stream(ctx.pseudonyms, p), p, field)
                for p, field in ((party_a, "party_a"), (party_b, "party_b"))
            ),
            key=lambda t: t[0],
        )
        facts_of: dict[str, list[DomainEvent]] = {}
        for pstream, resident, field in parties:
            state = await uow.load(PERSON, pstream)
            person.require_free_to_marry(state, field)
            if await open_historical_marriage(uow, person_token(ctx.pseudonyms, resident)) is not None:
                raise Conflict(
                    "already_married", f"the {field} has a marriage on the historical record", field=field
                )
            if (await registered_death(uow, ctx.pseudonyms, resident)).is_dead:
                raise DomainError("party_deceased", f"the {field} is registered as deceased", field=field)
            spouse = (party_b if resident == party_a else party_a).reveal()
            facts_of[pstream] = person.marry(
                state, marriage_id=mid, spouse=spouse, on=today.isoformat(), field=field
            )
        number = await certificates.next_number(uow.conn, CertificateKind.MARRIAGE, office, today.year)
        facts = marriage.register(
            existing,
            marriage_id=mid,
            certificate_number=str(number),
            husband=husband,
            wife=wife,
            on=today,
            office=office,
            both_present=both_present,
            male_age=male,
            female_age=female,
        )
        await certificates.issue(uow.conn, number, subject=stream, on=today)
        for pstream, _, _ in parties:
            await uow.record(PERSON, pstream, facts_of[pstream], jurisdiction=office)
        await uow.record(MARRIAGE, stream, facts, jurisdiction=office)
        return MarriageResult(
            mid, str(number), husband, wife, today, office, (male.standard_id, female.standard_id)
        )

    return await ctx.run(actor, unit)


@dataclass(frozen=True, slots=True)
class Reissued:
    old_number: str
    new_number: str
    kind: str
    marriage_id: str
    reissued_on: date


async def reissue_certificate(ctx: ServiceContext, actor: Actor, *, number: str, office: str) -> Reissued:
    """Reissue a marriage or divorce certificate (补领: BJ…/BL…); the old number is void."""
    _office(ctx, actor, office)
    old = CertificateNumber.parse(number)
    kind = old.kind.reissue

    async def unit(uow: UnitOfWork) -> Reissued:
        today = local_date(ctx.clock.now())
        subject, status = await certificates.subject_of(uow.conn, number)
        if status != "valid":
            raise Conflict("certificate_void", "this certificate is void (it was reissued)", field="number")
        state = await uow.load(MARRIAGE, subject)
        new = await certificates.next_number(uow.conn, kind, office, today.year)
        facts = marriage.reissue(
            state, old_number=number, new_number=str(new), family=kind.family, on=today, office=office
        )
        await certificates.void(uow.conn, number, replaced_by=str(new))
        await certificates.issue(uow.conn, new, subject=subject, on=today)
        await uow.record(MARRIAGE, subject, facts, jurisdiction=office)
        return Reissued(number, str(new), kind.family, state.marriage_id or "", today)

    return await ctx.run(actor, unit)


async def certify_no_marriage_record(
    ctx: ServiceContext, actor: Actor, *, resident: ResidentId, office: str
) -> tuple[str, date]:
    """A certificate of no marriage record (无婚姻登记记录证明): refused for anyone with a marriage
    on record (married, divorced, widowed, or any marriage on the archive's record)."""
    _office(ctx, actor, office)
    pstream = person_stream(ctx.pseudonyms, resident)

    async def unit(uow: UnitOfWork) -> tuple[str, date]:
        today = local_date(ctx.clock.now())
        state = await uow.load(PERSON, pstream)
        person.require_no_marriage_record(state)
        if await historical_marriage_on_record(uow, person_token(ctx.pseudonyms, resident)) is not None:
            raise Conflict(
                "marriage_on_record",
                "the person has a marriage on the historical record",
                field="resident_id",
            )
        if (await registered_death(uow, ctx.pseudonyms, resident)).is_dead:
            raise DomainError("party_deceased", "the person is registered as deceased", field="resident_id")
        number = await certificates.next_number(
            uow.conn, CertificateKind.NO_MARRIAGE_RECORD, office, today.year
        )
        facts = person.certify_no_record(
            state, certificate_number=str(number), on=today.isoformat(), office=office
        )
        await certificates.issue(uow.conn, number, subject=pstream, on=today)
        await uow.record(PERSON, pstream, facts, jurisdiction=office)
        return str(number), today

    return await ctx.run(actor, unit)


# ------------------------------------------------------------------------------------- divorce


async def apply_for_divorce(
    ctx: ServiceContext,
    actor: Actor,
    *,
    marriage_id: UUID,
    office: str,
    both_present: bool,
    written_agreement: bool,
    application_id: UUID | None = None,
) -> marriage.DivorceApplication:
    """Receive a divorce application (art. 1077); the lapse deadline is scheduled in the unit."""
    _office(ctx, actor, office)
    mid, aid = str(marriage_id), str(application_id or uuid.uuid4())
    stream = marriage_stream(mid)

    async def unit(uow: UnitOfWork) -> marriage.DivorceApplication:
        now = ctx.clock.now()
        today = local_date(now)
        table = await standards_table(uow)
        state = await uow.load(MARRIAGE, stream)
        facts = marriage.apply_for_divorce(
            state,
            application_id=aid,
            received_on=today,
            office=office,
            both_present=both_present,
            written_agreement=written_agreement,
            cooling_off=_optional(table, Parameter.DIVORCE_COOLING_OFF_DAYS, office, today),
            window=_optional(table, Parameter.DIVORCE_CERTIFICATE_WINDOW_DAYS, office, today),
            calendar=await working_calendar(uow, office),
        )
        after = await uow.record(MARRIAGE, stream, facts, jurisdiction=office)
        app = after.application(aid)
        if app.certificate_deadline is not None:
            await deadlines.schedule(
                uow.conn,
                kind=LAPSE,
                subject=lapse_subject(mid, aid),
                due_at=end_of_day(app.certificate_deadline),
                starts_at=now,
                jurisdiction=office,
            )
        return app

    return await ctx.run(actor, unit)


async def withdraw_divorce(
    ctx: ServiceContext, actor: Actor, *, marriage_id: UUID, application_id: UUID, by: ResidentId
) -> marriage.DivorceApplication:
    """Either party withdraws the application during the cooling-off period (撤回)."""
    mid, aid = str(marriage_id), str(application_id)
    stream = marriage_stream(mid)

    async def unit(uow: UnitOfWork) -> marriage.DivorceApplication:
        now = ctx.clock.now()
        state = await uow.load(MARRIAGE, stream)
        if state.status is marriage.MarriageStatus.NONE:
            raise NotFound("marriage_not_found", "no such marriage", field="marriage_id")
        actor.require_within(state.office, "office")
        facts = marriage.withdraw(state, application_id=aid, by=by, today=local_date(now))
        await deadlines.close(uow.conn, LAPSE, lapse_subject(mid, aid), at=now, state="cancelled")
        after = await uow.record(MARRIAGE, stream, facts, jurisdiction=state.office)
        return after.application(aid)

    return await ctx.run(actor, unit)


@dataclass(frozen=True, slots=True)
class DivorceResult:
    marriage_id: str
    application_id: str
    certificate_number: str
    registered_on: date
    office: str


async def request_divorce_certificate(
    ctx: ServiceContext,
    actor: Actor,
    *,
    marriage_id: UUID,
    application_id: UUID,
    office: str,
    both_present: bool,
) -> DivorceResult:
    """Both parties, in person, at the receiving office, after the cooling-off and by the deadline:
    the divorce is registered (L serial), the marriage dissolved, both persons divorced."""
    _office(ctx, actor, office)
    mid, aid = str(marriage_id), str(application_id)
    stream = marriage_stream(mid)

    async def unit(uow: UnitOfWork) -> DivorceResult:
        now = ctx.clock.now()
        today = local_date(now)
        state = await uow.load(MARRIAGE, stream)
        if state.status is marriage.MarriageStatus.NONE:
            raise NotFound("marriage_not_found", "no such marriage", field="marriage_id")
        marriage.check_certificate_request(
            state, application_id=aid, today=today, office=office, both_present=both_present
        )
        # every load before the serial: a unit that waited for the serial's row lock appends on
        # what it loaded, so a rival's commit meanwhile is a conflict (retried), not a refusal
        people: list[tuple[str, list[DomainEvent]]] = []
        for pstream in sorted(person_stream(ctx.pseudonyms, p) for p in (state.husband, state.wife)):
            pstate = await uow.load(PERSON, pstream)
            if not pstate.married or pstate.marriage_id != mid:
                # the marriage read said married: a rival committed between the two reads
                raise ConcurrencyError(pstream, uow.version(pstream), -1)
            people.append((pstream, person.divorce(pstate, marriage_id=mid, on=today.isoformat())))
        number = await certificates.next_number(uow.conn, CertificateKind.DIVORCE, office, today.year)
        facts = marriage.register_divorce(
            state,
            application_id=aid,
            today=today,
            office=office,
            both_present=both_present,
            certificate_number=str(number),
        )
        await certificates.issue(uow.conn, number, subject=stream, on=today)
        for pstream, pfacts in people:
            await uow.record(PERSON, pstream, pfacts, jurisdiction=office)
        await deadlines.close(uow.conn, LAPSE, lapse_subject(mid, aid), at=now)
        await uow.record(MARRIAGE, stream, facts, jurisdiction=office)
        return DivorceResult(mid, aid, str(number), today, office)

    return await ctx.run(actor, unit)


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
    _office(ctx, actor, office)
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
    """Correct a registered death (更正): ``DeathRegistrationCorrected``; the registration stays."""
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
        return await uow.record(DEATH_AGG, dstream, facts, jurisdiction=office)

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
