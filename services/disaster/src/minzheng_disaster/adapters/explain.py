"""How the auditor's ``explain`` reads this service's one payment, cash relief (``CashReliefPaid``,
published as ``PaymentIssued`` of ``disaster_relief``; ``minzheng_eventstore.explain``).

Cash relief has no standard: it is drawn from a county allocation (专款专用, by its allocation
document) and handed over on a delivery. Its decision events are the affected household's
registration (members, relocation, damage, vulnerable), the delivery that paid it (who, when, how
much cash), and in the incident's stream the report, its verification and the allocation whose
document the payment names; the amount is the cash of that delivery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from minzheng_eventstore.explain import Decision, PaymentRule


def delivered_cash(inputs: Mapping[str, Any], _: Sequence[int | None]) -> int | None:
    """The cash handed over on the delivery behind the payment."""
    value = inputs["delivered_cash_fen"]
    return value if isinstance(value, int) else None


CASH_RELIEF = PaymentRule(
    "CashReliefPaid",
    streams=("{stream}", "incident-{incident_id}"),
    decisions=(
        Decision("DisasterReported", ("disaster_type",)),
        Decision("IncidentVerified", ("findings",)),
        Decision("ReliefAllocated", ("document", "allocated_cash_fen=cash_fen"), match=("document",)),
        Decision("HouseholdRegistered", ("members", "relocation", "damage", "vulnerable", "village")),
        Decision(
            "ReliefDelivered",
            ("delivery_id", "delivered_cash_fen=cash_fen", "delivered_by", "delivered_at"),
        ),
    ),
    amount="cash_fen",
    payment_inputs=("document",),
    formula="the cash handed over on the delivery, drawn from the allocation document (专款专用)",
    recompute=delivered_cash,
)

PAYMENT_RULES = (CASH_RELIEF,)
"""Declared beside the service's definition (``service.py``)."""
