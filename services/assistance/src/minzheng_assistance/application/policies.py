"""Policies: how the assistance service reacts to other services' events."""

from __future__ import annotations

import uuid

import structlog
from pydantic import ValidationError

from minzheng_contracts import DeathRegistered, UnknownContractError, parse_integration_event
from minzheng_eventstore import Incoming, PermanentError
from minzheng_eventstore.store import Connection

from ..domain import household as hh
from ..domain import other_aid as aid
from ..domain.facts import Fact
from .handlers import HOUSEHOLD_GROUP, TEKUN_GROUP, Actor, Context, _decide_household, events, load_standards

log = structlog.get_logger("assistance.policies")


async def on_death_registered(ctx: Context, msg: Incoming, conn: Connection) -> None:
    """A death registered by the registry (民政 殡葬/户籍): a deceased sole member ends the
    household's benefit; otherwise the household is flagged for recheck and paid for fewer
    members from the next month. A 特困 support case of the person ends."""
    try:
        event = parse_integration_event(msg.data)
    except (UnknownContractError, ValidationError) as exc:
        raise PermanentError(f"not a valid contract: {exc}") from exc
    if not isinstance(event, DeathRegistered):
        return
    deceased = event.data.deceased.reveal()
    actor = Actor("registry-policy", event.correlation_id)
    cases = await conn.fetch("SELECT grp, case_id FROM enrolments WHERE resident_id = $1", deceased)
    standards = await load_standards(ctx.store, conn)
    now = ctx.clock.now()
    died_on = event.data.date_of_death.isoformat()

    def decide(state: hh.Household) -> list[Fact]:
        return hh.member_died(
            state, resident_id=deceased, date_of_death=died_on, now=now, standards=standards
        )

    for row in cases:
        case: uuid.UUID = row["case_id"]
        if row["grp"] == HOUSEHOLD_GROUP:
            await _decide_household(ctx, actor, case, decide, conn=conn)
            await conn.execute(
                "DELETE FROM enrolments WHERE resident_id = $1 AND grp = $2", deceased, HOUSEHOLD_GROUP
            )
        elif row["grp"] == TEKUN_GROUP:
            stream = f"tekun-{case}"
            loaded = await ctx.tekun.load(stream, conn=conn)
            facts = aid.end_tekun(loaded.state, reason="death")
            if facts:
                await ctx.store.append(
                    stream,
                    "tekun",
                    loaded.version,
                    events(facts, ctx, actor, loaded.state.residence, case_id=str(case)),
                    conn=conn,
                )
            await conn.execute("DELETE FROM enrolments WHERE case_id = $1", case)
    log.info("death.handled", cases=len(cases))
