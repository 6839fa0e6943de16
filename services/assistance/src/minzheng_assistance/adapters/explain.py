"""How the auditor's ``explain`` reads this service's payments (金额依据): for each kind, the
streams its amount is decided in, the decision events and which of their fields are the inputs,
and the rule recomputed from them (``minzheng_eventstore.explain``).

- **低保** (``PaymentIssued`` of ``dibao_urban`` / ``dibao_rural``): the household's stream; the
  application and review, then the basis in force for the month paid: the approval or the latest
  amount change (a recheck, a death) holding from that month or before (``effective_from`` ≤ the
  payment's ``period``), its members and per-capita income; the amount is
  ``(standard − per-capita income) × members`` at the standard the payment names, with its value
  then (``domain.amounts.monthly_amount``).
- **特困** (``PaymentIssued`` of ``tekun``): the case's stream; the support mode in force for the
  month (the confirmation, then the changes holding by then); the amount is the mode's standard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from minzheng_eventstore.explain import Decision, PaymentRule

from ..domain.amounts import monthly_amount

PAYMENT = "PaymentIssued"


def dibao_amount(inputs: Mapping[str, Any], values: Sequence[int | None]) -> int | None:
    """The month's 低保 by the basis and the standard's value then."""
    if len(values) != 1 or values[0] is None:
        return None
    return monthly_amount(values[0], int(inputs["per_capita_income_fen"]), int(inputs["member_count"]))


def standard_amount(_: Mapping[str, Any], values: Sequence[int | None]) -> int | None:
    """A month at the standard's value (特困 support)."""
    return values[0] if len(values) == 1 else None


DIBAO = PaymentRule(
    PAYMENT,
    streams=("household-{household_id}",),
    programmes=("dibao_urban", "dibao_rural"),
    decisions=(
        Decision("HouseholdApplied"),
        Decision("ReviewStepRecorded"),
        Decision("ObjectionResolved"),
        Decision(
            "ApprovalGranted",
            ("category", "classification", "member_count", "per_capita_income_fen", "effective_from"),
        ),
        Decision("RecheckCompleted"),
        Decision("MemberDeceased"),
        Decision("AmountChanged", ("member_count", "per_capita_income_fen", "effective_from", "reason")),
    ),
    payment_inputs=("programme", "period", "residence"),
    effective="effective_from",
    period="period",
    formula="(standard − per-capita income) × members (差额补助)",
    recompute=dibao_amount,
)

TEKUN = PaymentRule(
    PAYMENT,
    streams=("tekun-{case_id}",),
    programmes=("tekun",),
    decisions=(
        Decision("TekunSupportConfirmed", ("mode", "residence")),
        Decision("SupportModeChanged", ("mode=to", "effective_from", "cause")),
    ),
    payment_inputs=("programme", "period", "residence"),
    effective="effective_from",
    period="period",
    formula="the standard of the support mode in force (集中/分散供养)",
    recompute=standard_amount,
)

PAYMENT_RULES = (DIBAO, TEKUN)
"""Declared beside the service's definition (``service.py``)."""
