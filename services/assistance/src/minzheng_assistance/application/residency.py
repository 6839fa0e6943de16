"""Policy: how assistance reacts to eldercare's admissions and discharges (入住 / 离院 → 特困供养方式).

A 特困 person admitted to a 敬老院 (``institution_kind == "nursing_home"``) is in centralised
support (集中供养) from the month after the admission; discharged home or to a transfer, in
dispersed support (分散供养) from the month after the discharge (eldercare-rules §4). A discharge
at death changes nothing here: the registry's ``DeathRegistered`` ends the case.

Each message runs in the inbox's unit of work (handled once by its ``event_id``) and is also
idempotent on its business key: the residency's admission or discharge (``admitted/<residency
id>``) is recorded in ``registry_facts`` (the table of other services' facts taken in) and on the
case's mode change, so a copy re-sent with a new ``event_id`` changes nothing. A person with no
open 特困 case, an admission elsewhere than a 敬老院, or a person eldercare does not report as 特困
is acknowledged and ignored; log lines name the residency, never the person.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import structlog

from minzheng_contracts import Period
from minzheng_contracts.eldercare import ResidentAdmitted, ResidentDischarged
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork

from ..domain import other_aid as aid
from . import guards
from .policies import paid_months
from .streams import TEKUN, TEKUN_GROUP, tekun_stream

log = structlog.get_logger("assistance.residency")

CENTRALISED_KIND = "nursing_home"
"""敬老院: the institution whose 特困 residents are in centralised support."""

Ignored = Literal["not_tekun", "not_a_nursing_home", "at_death", "already_handled", "no_tekun_case"]


async def on_residency_event(
    ctx: ServiceContext, event: ResidentAdmitted | ResidentDischarged, uow: UnitOfWork
) -> None:
    """The one consumer of ``eldercare.residency.>``: an admission or a discharge."""
    data = event.data
    if isinstance(event, ResidentAdmitted):
        fact, on, mode = "admitted", event.data.admitted_on, aid.SupportMode.CENTRALISED
    else:
        fact, on, mode = "discharged", event.data.discharged_on, aid.SupportMode.DISPERSED
    ignored = _not_for_us(event)
    if ignored is None:
        key = f"residency/{fact}/{data.residency_id}"
        if not await guards.first_report(uow.conn, key, event.event_id, at=ctx.clock.now()):
            ignored = "already_handled"
    if ignored is None:
        ignored = await _change_mode(
            ctx, uow, person=data.person.reveal(), mode=mode, on=on, cause=f"{fact}/{data.residency_id}"
        )
    if ignored is not None:
        log.info(f"residency.{fact}.ignored", reason=ignored, residency=data.residency_id)


def _not_for_us(event: ResidentAdmitted | ResidentDischarged) -> Ignored | None:
    """Why the message changes no mode here, read from the message alone (``None``: it may)."""
    if not event.data.is_tekun:
        return "not_tekun"
    if event.data.institution_kind != CENTRALISED_KIND:
        return "not_a_nursing_home"
    if isinstance(event, ResidentDischarged) and event.data.destination == "death":
        return "at_death"  # the registry's death reaction ends the case
    return None


async def _change_mode(
    ctx: ServiceContext, uow: UnitOfWork, *, person: str, mode: aid.SupportMode, on: date, cause: str
) -> Ignored | None:
    """The person's open 特困 case changes to ``mode`` from the month after ``on``."""
    cases = [
        case
        for group, case in await guards.enrolled_cases(uow.conn, ctx.pseudonyms, person)
        if group == TEKUN_GROUP
    ]
    if not cases:
        return "no_tekun_case"
    # the months paid are read after the payments under way are done, and none is paid meanwhile
    await guards.hold_payments(uow.conn)
    standards = await guards.standards_table(uow.conn)
    for case in cases:
        stream = tekun_stream(case)
        state = await uow.load(TEKUN, stream)
        facts = aid.change_mode_from(
            state,
            mode=mode,
            effective_from=Period.of(on).next(),
            cause=cause,
            cause_date=on,
            paid=await paid_months(uow, case),
            standards=standards,
        )
        await uow.record(TEKUN, stream, facts, jurisdiction=state.residence)
        log.info(
            "residency.mode_changed" if facts else "residency.mode_unchanged", mode=mode.value, case=str(case)
        )
    return None
