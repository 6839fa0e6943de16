"""The reaction to a death registered by the registry (死亡登记, ``registry.death.registered``):
a living resident is discharged at death (destination ``death``), exactly once.

In the inbox's unit of work (once per ``event_id``) and once per person: the person's open stay is
found by pseudonym in ``institution_stays``; the discharge closes it, so a copy of the message with
a new ``event_id`` (or a second registration) finds no open stay and changes nothing. A person who
lives in no institution here is no concern of this area."""

from __future__ import annotations

import structlog

from minzheng_contracts import DeathRegistered
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork

from ...domain.institutions import residency as r
from . import guards
from .residency import end_stay, person_token
from .streams import RESIDENCY, residency_stream

log = structlog.get_logger("eldercare.residency")


async def on_death_registered(ctx: ServiceContext, event: DeathRegistered, uow: UnitOfWork) -> None:
    data = event.data
    stay = await guards.open_stay_of(uow.conn, person_token(ctx, data.deceased))
    if stay is None:
        log.info("residency.death_no_stay")
        return
    stream = residency_stream(*stay)
    state = await uow.load(RESIDENCY, stream)
    facts = r.discharge_at_death(state, died_on=data.date_of_death, registration_id=str(data.registration_id))
    if not facts:
        return
    await end_stay(uow, state, stream, at=ctx.clock.now())
    await uow.record(RESIDENCY, stream, facts, jurisdiction=state.township)
    log.info("residency.discharged_at_death", residency_id=state.residency_id)
