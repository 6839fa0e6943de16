"""Policies: how the assistance service reacts to the registry's events (登记 → 救助).

Every reaction runs in the inbox's unit of work (the message is handled once by its ``event_id``)
and is also idempotent on the message's business key: a fact the registry reports twice (a copy
re-sent with a new ``event_id``) is recognised in ``registry_facts`` and changes nothing. The
cases of a person are found through the enrolment rows, by the person's pseudonym.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import structlog

from minzheng_contracts import DeathRegistered, Period
from minzheng_contracts.places import DivisionRecorded
from minzheng_contracts.registry import DivorceRegistered, MarriageRegistered
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.events import DomainEvent

from ..domain import events as ev
from ..domain import household as hh
from ..domain import other_aid as aid
from ..domain.overpayments import PaidMonth
from . import guards
from .configuration import Division, record_division
from .handlers import decide_household
from .streams import HOUSEHOLD_GROUP, TEKUN, TEKUN_GROUP, tekun_stream

log = structlog.get_logger("assistance.policies")


async def paid_months(uow: UnitOfWork, case: object) -> list[PaidMonth]:
    """The months paid to the case (a household, a 特困 case) so far: its payment streams, read in
    the unit."""
    months: list[PaidMonth] = []
    streams = await uow.store.stream_ids(f"payment-{case}-", stream_type="payment", conn=uow.conn)
    for stream in streams:
        for event in await uow.store.read_stream(stream, conn=uow.conn):
            if event.event_type == "PaymentIssued":
                paid = ev.PAYMENT_EVENTS.load(event.event_type, event.data)
                assert isinstance(paid, ev.PaymentIssued)
                if paid.period is not None:
                    months.append(PaidMonth(Period.parse(paid.period), paid.payment_id, paid.amount_fen))
    return months


async def on_death_registered(ctx: ServiceContext, event: DeathRegistered, uow: UnitOfWork) -> None:
    """A death registered by the registry (死亡登记): the benefit is paid for the month of death
    and stops from the next one (counted from ``date_of_death``). A deceased sole member ends the
    household's case; otherwise the household is flagged for recheck and paid for fewer members.
    Months already paid after the month of death are recorded as an overpayment to recover. A
    特困 support case of the person ends. The same registration, or another one of the same
    person, reported again changes nothing."""
    deceased = event.data.deceased.reveal()
    person = ctx.pseudonyms.token(guards.ENROLMENT_PURPOSE, deceased)
    now = ctx.clock.now()
    first = await guards.first_report(uow.conn, f"death/{event.data.registration_id}", event.event_id, at=now)
    first_of_person = await guards.first_report(uow.conn, f"death-of/{person}", event.event_id, at=now)
    if not (first and first_of_person):
        log.info("death.already_handled")
        return
    cases = await guards.enrolled_cases(uow.conn, ctx.pseudonyms, deceased)
    if not cases:
        return
    # the months paid are read after the payments under way are done, and none is paid meanwhile
    await guards.hold_payments(uow.conn)
    standards = await guards.standards_table(uow.conn)
    registration = str(event.data.registration_id)

    for group, case in cases:
        if group == HOUSEHOLD_GROUP:
            paid = await paid_months(uow, case)

            def died(state: hh.Household, paid: Sequence[PaidMonth] = paid) -> list[DomainEvent]:
                return hh.member_died(
                    state,
                    resident_id=deceased,
                    date_of_death=event.data.date_of_death,
                    registration_id=registration,
                    paid=paid,
                    standards=standards,
                )

            await decide_household(uow, case, died)
            await guards.release(uow.conn, case, person=deceased, pseudonyms=ctx.pseudonyms)
        elif group == TEKUN_GROUP:
            stream = tekun_stream(case)
            state = await uow.load(TEKUN, stream)
            facts = aid.person_died(
                state,
                date_of_death=event.data.date_of_death,
                registration_id=registration,
                paid=await paid_months(uow, case),
            )
            await uow.record(TEKUN, stream, facts, jurisdiction=state.residence)
            await guards.release(uow.conn, case)
    log.info("death.handled", cases=len(cases))


async def _flag_parties(
    ctx: ServiceContext,
    uow: UnitOfWork,
    *,
    key: str,
    event_id: object,
    parties: Sequence[str],
    flag: Callable[[hh.Household], list[DomainEvent]],
) -> int:
    if not await guards.first_report(uow.conn, key, event_id, at=ctx.clock.now()):
        return 0
    households = {
        case
        for party in parties
        for group, case in await guards.enrolled_cases(uow.conn, ctx.pseudonyms, party)
        if group == HOUSEHOLD_GROUP
    }
    for case in sorted(households):
        await decide_household(uow, case, flag)
    return len(households)


async def on_marriage_registered(ctx: ServiceContext, event: MarriageRegistered, uow: UnitOfWork) -> None:
    """A marriage registered (结婚登记): the open household of either party is flagged for recheck
    (the household's members and income change); no amount changes by itself."""
    data = event.data
    key = f"marriage/{data.marriage_id}"
    flagged = await _flag_parties(
        ctx,
        uow,
        key=key,
        event_id=event.event_id,
        parties=[data.husband.reveal(), data.wife.reveal()],
        flag=_flagger(key, "marriage_registered", data.certificate_number, data.registered_on),
    )
    log.info("marriage.handled", households=flagged)


async def on_divorce_registered(ctx: ServiceContext, event: DivorceRegistered, uow: UnitOfWork) -> None:
    """A divorce registered (离婚登记): the open household of either party is flagged for recheck;
    no amount changes by itself."""
    data = event.data
    key = f"divorce/{data.application_id}"
    flagged = await _flag_parties(
        ctx,
        uow,
        key=key,
        event_id=event.event_id,
        parties=[data.husband.reveal(), data.wife.reveal()],
        flag=_flagger(key, "divorce_registered", data.certificate_number, data.registered_on),
    )
    log.info("divorce.handled", households=flagged)


def _flagger(
    key: str, reason: str, certificate: str, registered_on: date
) -> Callable[[hh.Household], list[DomainEvent]]:
    def flag(state: hh.Household) -> list[DomainEvent]:
        return hh.flag_recheck(
            state, key=key, reason=reason, certificate_number=certificate, registered_on=registered_on
        )

    return flag


async def on_marriage_event(
    ctx: ServiceContext, event: MarriageRegistered | DivorceRegistered, uow: UnitOfWork
) -> None:
    """The one consumer of ``registry.marriage.>``: a marriage or a divorce."""
    if isinstance(event, MarriageRegistered):
        await on_marriage_registered(ctx, event, uow)
    else:
        await on_divorce_registered(ctx, event, uow)


async def on_division_recorded(ctx: ServiceContext, event: DivisionRecorded, uow: UnitOfWork) -> None:
    """A division recorded by the registry (行政区划): the county's table of divisions follows it
    (upserted by code; an older message than the one held changes nothing)."""
    data = event.data
    await record_division(
        ctx,
        uow,
        Division(
            code=str(data.code),
            name=data.name,
            level=data.level,
            parent=str(data.parent) if data.parent is not None else None,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
        ),
        recorded_at=event.occurred_at,
    )
