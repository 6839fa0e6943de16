"""The marriage area's units of work: load → decide → guard → append, each in ONE transaction
(``ctx.run``), retried whole on a conflict. Marriages and their certificates are here; the divorce
procedure is ``divorce.py`` and deaths ``death_registration.py``, their units re-exported here
(the one module the routes, the benchmark and the demo call).

Lock order, the same in every unit so that no two deadlock: the certificate serial first, then the
death stream, the person streams in sorted order, the deadline row, and the marriage stream last.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent

from ...domain.configuration import Parameter
from ...domain.marriage import marriage, person
from ...domain.marriage.rules import CertificateKind, CertificateNumber
from ..configuration import standards_table
from ..people import (
    historical_marriage_on_record,
    open_historical_marriage,
    person_stream,
    person_token,
    registered_death,
)
from . import certificates
from .death_registration import Revoked, correct_death, death_stream_of, register_death, revoke_death
from .divorce import DivorceResult, apply_for_divorce, request_divorce_certificate, withdraw_divorce
from .streams import MARRIAGE, PERSON, marriage_stream
from .units import in_county

__all__ = [
    "DivorceResult",
    "MarriageResult",
    "Reissued",
    "Revoked",
    "apply_for_divorce",
    "certify_no_marriage_record",
    "correct_death",
    "death_stream_of",
    "register_death",
    "register_marriage",
    "reissue_certificate",
    "request_divorce_certificate",
    "revoke_death",
    "withdraw_divorce",
]


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
    in_county(ctx, actor, office)
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
    in_county(ctx, actor, office)
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
    in_county(ctx, actor, office)
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
