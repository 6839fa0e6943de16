"""Policies: how the assistance service reacts to other services' events."""

from __future__ import annotations

import structlog

from minzheng_contracts import DeathRegistered
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.events import DomainEvent

from ..domain import household as hh
from ..domain import other_aid as aid
from . import guards
from .handlers import decide_household
from .streams import HOUSEHOLD_GROUP, TEKUN, TEKUN_GROUP, tekun_stream

log = structlog.get_logger("assistance.policies")


async def on_death_registered(ctx: ServiceContext, event: DeathRegistered, uow: UnitOfWork) -> None:
    """A death registered by the registry (民政 殡葬/户籍): a deceased sole member ends the
    household's benefit; otherwise the household is flagged for recheck and paid for fewer
    members from the next month. A 特困 support case of the person ends. Every effect is in
    ``uow`` (the inbox's transaction): the message is handled exactly once."""
    deceased = event.data.deceased.reveal()
    died_on = event.data.date_of_death.isoformat()
    cases = await guards.enrolled_cases(uow.conn, ctx.pseudonyms, deceased)
    if not cases:
        return
    standards = await guards.standards_table(uow.conn)
    now = ctx.clock.now()

    def died(state: hh.Household) -> list[DomainEvent]:
        return hh.member_died(
            state, resident_id=deceased, date_of_death=died_on, now=now, standards=standards
        )

    for group, case in cases:
        if group == HOUSEHOLD_GROUP:
            await decide_household(uow, case, died)
            await guards.release(uow.conn, case, person=deceased, pseudonyms=ctx.pseudonyms)
        elif group == TEKUN_GROUP:
            stream = tekun_stream(case)
            state = await uow.load(TEKUN, stream)
            await uow.record(
                TEKUN, stream, aid.end_tekun(state, reason="death"), jurisdiction=state.residence
            )
            await guards.release(uow.conn, case)
    log.info("death.handled", cases=len(cases))
