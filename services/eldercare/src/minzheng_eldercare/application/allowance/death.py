"""The reaction to a death registered by the registry (死亡登记, ``registry.death.registered``,
durable ``eldercare-deaths-v1``), in the inbox's unit of work (once per ``event_id``) and once per
person: the elder's stream is named by the person's pseudonym, so a copy with a new ``event_id``
(or another registration of the same death) finds the elder dead and changes nothing. A started
allowance ends with the month of death as its last period (paid through it); an elder not started
is marked dead; a person not registered here is acknowledged and ignored."""

from __future__ import annotations

import structlog

from minzheng_contracts import DeathRegistered, Period
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork

from ...domain.allowance import elder as d
from . import rows
from .streams import ELDER, elder_id, elder_stream

log = structlog.get_logger("eldercare.allowance.death")


async def on_death_registered(ctx: ServiceContext, event: DeathRegistered, uow: UnitOfWork) -> None:
    data = event.data
    eid = elder_id(ctx.pseudonyms, data.deceased)
    stream = elder_stream(eid)
    state = await uow.load(ELDER, stream)
    if state.elder_id is None:
        log.info("death.not_registered")
        return
    facts = d.die(state, died_on=data.date_of_death)
    if not facts:
        log.info("death.already_handled", elder_id=eid)
        return
    after = await uow.record(ELDER, stream, facts, jurisdiction=state.home)
    await rows.look_again(uow.conn, after, Period.of(data.date_of_death))
    log.info("death.recorded", elder_id=eid, status=after.status.value)
