"""How the auditor's ``explain`` reads this service's pensions (金额依据): the entitlement's
stream, its recognition and the changes holding by the month paid (grade, category, suspension,
resumption), and the amount recomputed as the month's share of the yearly standard of the category
and grade, ⌊A·m/12⌋ − ⌊A·(m−1)/12⌋ (``minzheng_kernel.standards.monthly_share``). A pension paid
under several stacked standards is shown with its inputs but not recomputed (``recomputed_fen``
is null); the other payments (back-payments, the conscript allowance, aid, the death one-offs) are
read by the kit's general rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from minzheng_eventstore.explain import Decision, PaymentRule
from minzheng_kernel.standards import monthly_share


def pension_amount(inputs: Mapping[str, Any], values: Sequence[int | None]) -> int | None:
    """The month's share of the one yearly standard the pension names, by its value then."""
    if len(values) != 1 or values[0] is None:
        return None
    return monthly_share(values[0], int(str(inputs["period"])[5:7]))


PENSION = PaymentRule(
    "PensionPaid",
    streams=("entitlement-{entitlement_id}",),
    decisions=(
        Decision("EntitledPersonRecognised", ("category", "key", "service_years", "starts")),
        Decision("GradeChanged", ("key", "from_period")),
        Decision("CategoryChanged", ("category", "key", "service_years", "from_period")),
        Decision("EntitlementSuspended", ("from_period",)),
        Decision("EntitlementResumed", ("from_period",)),
    ),
    payment_inputs=("category", "period", "residence"),
    effective="from_period",
    period="period",
    formula="the month's share of the yearly standard of the category and grade (key)",
    recompute=pension_amount,
)

PAYMENT_RULES = (PENSION,)
