"""Internal events → the disaster service's contracts (typed: one definition per event type)."""

from __future__ import annotations

from typing import Any

from minzheng_contracts import (
    DisasterReported,
    IntegrationEvent,
    PaymentIssued,
    ReliefDelivered,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
)
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.relay import contract_message

from .. import SERVICE
from ..domain import events as e


def _envelope(
    contract: type[IntegrationEvent[Any]], event: RecordedEvent, data: dict[str, Any]
) -> OutgoingMessage:
    return contract_message(contract, event, data, producer=SERVICE)


def publication(event: RecordedEvent) -> OutgoingMessage | None:
    fact = e.DISASTER_EVENTS.maybe_load(event.event_type, event.data)
    match fact:
        case e.DisasterReported():
            return _envelope(DisasterReported, event, fact.to_data())
        case e.ReliefDelivered():
            data = {
                "incident_id": fact.incident_id,
                "household": event.stream_id,
                "cash_fen": fact.cash_fen,
                "items": fact.items,
                "delivered_by": fact.delivered_by,
                "delivered_at": fact.delivered_at,
            }
            return _envelope(ReliefDelivered, event, data)
        case e.ReliefSlaAtRisk() | e.ReliefSlaBreached():
            contract = ReliefSlaAtRisk if isinstance(fact, e.ReliefSlaAtRisk) else ReliefSlaBreached
            data = {
                "incident_id": fact.incident_id,
                "household": event.stream_id,
                "deadline": fact.deadline,
                "escalated_to": fact.escalated_to,
            }
            return _envelope(contract, event, data)
        case e.CashReliefPaid():  # cash relief is a payment like any other
            data = {
                "payment_id": str(event.event_id),
                "programme": "disaster_relief",
                "beneficiary": fact.head,
                "amount_fen": fact.cash_fen,
                "standard_id": fact.document,
                "incident_id": fact.incident_id,
            }
            return _envelope(PaymentIssued, event, data)
    return None
