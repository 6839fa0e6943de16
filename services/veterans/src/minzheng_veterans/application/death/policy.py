"""The reaction to a death registered by the registry (死亡登记, ``registry.death.registered``).

In the inbox's unit of work (once per ``event_id``) and once per person: the case's stream is
named by the person, so a copy with a new ``event_id`` (or another registration of the same
person) finds the case and changes nothing. In one unit: hold the pension runs off, end every
entitlement of the person from the month after the date of death, record the months paid after
it as overpayments, open the case. A person with no open entitlement here is no case."""

from __future__ import annotations

import structlog

from minzheng_contracts import DeathRegistered, Period
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork

from ...domain.death import case as c
from ...domain.entitlement.entitlement import CancelReason
from ..configuration import standards_table
from ..entitlement.handlers import end_person
from ..entitlement.streams import person_token
from ..pensions.lock import hold_payments
from ..pensions.paid import months_paid
from .streams import CASE, case_id, case_stream

log = structlog.get_logger("veterans.death")


async def on_death_registered(ctx: ServiceContext, event: DeathRegistered, uow: UnitOfWork) -> None:
    data = event.data
    person = person_token(ctx.pseudonyms, data.deceased)
    cid = case_id(person)
    stream = case_stream(cid)
    if (await uow.load(CASE, stream)).case_id is not None:
        log.info("death.already_handled")
        return
    await hold_payments(uow.conn)
    ended = await end_person(
        uow,
        person,
        CancelReason.DEATH,
        Period.of(data.date_of_death).next(),
        note=f"death {data.registration_id}",
    )
    if not ended:
        log.info("death.no_entitlement")
        return
    paid = {}
    for entitlement in ended:
        assert entitlement.entitlement_id is not None
        months = await months_paid(uow.store, entitlement.entitlement_id, conn=uow.conn)
        paid[entitlement.entitlement_id] = {p: (m.amount_fen, m.payment_ids) for p, m in months.items()}
    facts = c.open_case(
        c.Case(),
        await standards_table(uow),
        case_id=cid,
        died_on=data.date_of_death,
        death_event_id=str(event.event_id),
        ended=ended,
        paid=paid,
    )
    state = await uow.record(CASE, stream, facts, jurisdiction=ended[0].residence)
    log.info("death.case_opened", entitlements=len(ended), overpayments=len(state.overpayments))
