"""低保/特困 recipients (救助对象) as the assistance service publishes them: the read table the
basic-fee waiver asks under scope 1 (``funeral_fee_waiver_scope`` = 低保/特困 only).

``HouseholdApplied`` names the members (each stored by ``person_token``, never the ID);
``ApprovalGranted`` gives the first month paid; ``BenefitTerminated`` the last (or, with none,
the day it was recorded). Each approval and each termination is kept as its own row, so the
answer does not depend on the order the messages come in (a dead-lettered message re-driven
after the next one) and a re-approval keeps the earlier period. A person was a recipient on a
date when a 低保 or 特困 household of theirs was approved from that month or earlier and no
termination after that approval came before the date: a death that ends the benefit afterwards
does not take the waiver away. The kit runs the handler in the inbox transaction (a redelivered
message changes nothing: the inbox and the inserts)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from minzheng_contracts.assistance import ApprovalGranted, BenefitTerminated, HouseholdApplied, Programme
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.kit import Subscription
from minzheng_eventstore.store import Connection
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date

from ..people import person_token

COVERED = frozenset({Programme.DIBAO_URBAN, Programme.DIBAO_RURAL, Programme.TEKUN})
"""The programmes whose recipients scope 1 covers (低保 urban and rural, 特困)."""


async def on_assistance_event(ctx: ServiceContext, event: Any, uow: UnitOfWork) -> None:
    data = event.data
    if isinstance(event, HouseholdApplied):
        await uow.conn.execute(
            "INSERT INTO registry_burial_assistance_households (household_id, programme) VALUES ($1, $2) "
            "ON CONFLICT (household_id) DO NOTHING",
            data.household_id,
            data.programme.value,
        )
        await uow.conn.executemany(
            "INSERT INTO registry_burial_assistance_members (household_id, person_token) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            [(data.household_id, person_token(ctx.pseudonyms, m.resident_id)) for m in data.members],
        )
    elif isinstance(event, ApprovalGranted):
        first = date(data.effective_from.year, data.effective_from.month, 1)
        await uow.conn.execute(
            "INSERT INTO registry_burial_assistance_households (household_id, programme) VALUES ($1, $2) "
            "ON CONFLICT (household_id) DO UPDATE SET programme = excluded.programme",
            data.household_id,
            data.programme.value,
        )
        await uow.conn.execute(
            "INSERT INTO registry_burial_assistance_approvals (household_id, approved_from) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            data.household_id,
            first,
        )
    elif isinstance(event, BenefitTerminated):
        last = data.last_period
        if last is None:
            through = local_date(event.occurred_at)
        else:
            through = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
        await uow.conn.execute(
            "INSERT INTO registry_burial_assistance_terminations (household_id, through) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            data.household_id,
            through,
        )


async def was_recipient(conn: Connection, token: str, on: date) -> bool:
    """A member of a covered household with an approval from on or before ``on`` that no
    termination ended before ``on`` (a termination ends the approvals it follows)."""
    found = await conn.fetchval(
        "SELECT true FROM registry_burial_assistance_members m "
        "JOIN registry_burial_assistance_households h USING (household_id) "
        "JOIN registry_burial_assistance_approvals a USING (household_id) "
        "WHERE m.person_token = $1 AND h.programme = ANY($2) AND a.approved_from <= $3 "
        "AND NOT EXISTS (SELECT 1 FROM registry_burial_assistance_terminations t "
        "WHERE t.household_id = a.household_id AND t.through >= a.approved_from AND t.through < $3) "
        "LIMIT 1",
        token,
        sorted(p.value for p in COVERED),
        on,
    )
    return bool(found)


RECIPIENTS = Subscription(
    purpose="recipients",
    version=1,
    stream="ASSISTANCE",
    subject="assistance.>",
    handler=on_assistance_event,
    contracts=(HouseholdApplied, ApprovalGranted, BenefitTerminated),
    actor="assistance-policy",
)
