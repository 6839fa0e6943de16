"""The units of work of the divorce procedure (离婚登记, Civil Code art. 1077): an application
with its lapse deadline, a withdrawal, the certificate. Lock order as in ``handlers``.
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
from minzheng_kernel.errors import NotFound
from minzheng_kernel.events import DomainEvent

from ...domain.configuration import Parameter
from ...domain.marriage import marriage, person
from ...domain.marriage.rules import CertificateKind
from ..configuration import standards_table, working_calendar
from ..people import (
    person_stream,
)
from . import certificates
from .streams import LAPSE, MARRIAGE, PERSON, lapse_subject, marriage_stream
from .units import in_county, optional_standard

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
    in_county(ctx, actor, office)
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
            cooling_off=optional_standard(table, Parameter.DIVORCE_COOLING_OFF_DAYS, office, today),
            window=optional_standard(table, Parameter.DIVORCE_CERTIFICATE_WINDOW_DAYS, office, today),
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
    in_county(ctx, actor, office)
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
