"""Reacting to the assistance service: a read model of vulnerable households (低保, 特困)."""

from __future__ import annotations

from pydantic import ValidationError

from minzheng_contracts import (
    ApprovalGranted,
    BenefitTerminated,
    HouseholdApplied,
    UnknownContractError,
    parse_integration_event,
)
from minzheng_eventstore import Incoming, PermanentError
from minzheng_eventstore.store import Connection


async def on_assistance_event(msg: Incoming, conn: Connection) -> None:
    try:
        event = parse_integration_event(msg.data)
    except UnknownContractError:
        return  # a contract this service does not use
    except ValidationError as exc:
        raise PermanentError(f"invalid contract: {exc}") from exc
    if isinstance(event, HouseholdApplied):
        await conn.execute(
            "INSERT INTO vulnerable (household_id, applicant, residence, programme) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (household_id) DO NOTHING",
            event.data.household_id,
            event.data.applicant.reveal(),
            event.data.residence,
            event.data.programme.value,
        )
    elif isinstance(event, ApprovalGranted):
        await conn.execute(
            "UPDATE vulnerable SET active = true WHERE household_id = $1", event.data.household_id
        )
    elif isinstance(event, BenefitTerminated):
        await conn.execute(
            "UPDATE vulnerable SET active = false WHERE household_id = $1", event.data.household_id
        )
