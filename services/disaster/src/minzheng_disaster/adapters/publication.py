"""Internal events → the disaster service's contracts."""

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


def _envelope(
    contract: type[IntegrationEvent[Any]], event: RecordedEvent, data: dict[str, Any]
) -> OutgoingMessage:
    return contract_message(contract, event, data, producer=SERVICE)


def publication(event: RecordedEvent) -> OutgoingMessage | None:
    d = event.data
    match event.event_type:
        case "DisasterReported":
            return _envelope(
                DisasterReported,
                event,
                {
                    "incident_id": d["incident_id"],
                    "disaster_type": d["disaster_type"],
                    "area": d["area"],
                    "happened_at": d["happened_at"],
                    "reported_at": d["reported_at"],
                    "reporter": d["reporter"],
                    "summary": d.get("summary"),
                },
            )
        case "ReliefDelivered":
            return _envelope(
                ReliefDelivered,
                event,
                {
                    "incident_id": d["incident_id"],
                    "household": event.stream_id,
                    "cash_fen": d["cash_fen"],
                    "items": d["items"],
                    "delivered_by": d["delivered_by"],
                    "delivered_at": d["delivered_at"],
                },
            )
        case "ReliefSlaAtRisk" | "ReliefSlaBreached":
            contract = ReliefSlaAtRisk if event.event_type == "ReliefSlaAtRisk" else ReliefSlaBreached
            return _envelope(
                contract,
                event,
                {
                    "incident_id": d["incident_id"],
                    "household": event.stream_id,
                    "deadline": d["deadline"],
                    "escalated_to": d["escalated_to"],
                },
            )
        case "CashReliefPaid":  # cash relief is a payment like any other
            return _envelope(
                PaymentIssued,
                event,
                {
                    "payment_id": str(event.event_id),
                    "programme": "disaster_relief",
                    "beneficiary": d["head"],
                    "amount_fen": d["cash_fen"],
                    "standard_id": d["document"],
                    "incident_id": d["incident_id"],
                },
            )
    return None
