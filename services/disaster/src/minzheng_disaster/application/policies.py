"""Reacting to the assistance service: a read model of vulnerable households (低保, 特困).

The kit parses and checks the contracts (unknown versions are dead-lettered, known unused ones
ignored) and runs this handler in the inbox transaction."""

from __future__ import annotations

from typing import Any

from minzheng_contracts import ApprovalGranted, BenefitTerminated, HouseholdApplied
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.kit import Subscription
from minzheng_eventstore.uow import UnitOfWork


async def on_assistance_event(ctx: ServiceContext, event: Any, uow: UnitOfWork) -> None:
    if isinstance(event, HouseholdApplied):
        await uow.conn.execute(
            "INSERT INTO vulnerable (household_id, applicant, residence, programme) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (household_id) DO NOTHING",
            event.data.household_id,
            event.data.applicant.reveal(),
            event.data.residence,
            event.data.programme.value,
        )
    elif isinstance(event, ApprovalGranted):
        await uow.conn.execute(
            "UPDATE vulnerable SET active = true WHERE household_id = $1", event.data.household_id
        )
    elif isinstance(event, BenefitTerminated):
        await uow.conn.execute(
            "UPDATE vulnerable SET active = false WHERE household_id = $1", event.data.household_id
        )


VULNERABLE = Subscription(
    purpose="vulnerable",
    version=1,
    stream="ASSISTANCE",
    subject="assistance.>",
    handler=on_assistance_event,
    contracts=(HouseholdApplied, ApprovalGranted, BenefitTerminated),
)
