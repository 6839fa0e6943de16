"""The pension area's publication: every month's pension and every back-payment is one
``PaymentIssued`` v2 (``veterans.payment.issued``), its programme by the entitlement's category;
the run's summary is internal."""

from __future__ import annotations

from minzheng_contracts.payments import PaymentProgrammeV2 as P
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ...domain.entitlement.categories import Category
from ..publication import payment

PROGRAMME: dict[str, P] = {
    Category.DISABLED: P.PENSION_DISABLED,
    Category.SURVIVOR: P.PENSION_SURVIVOR,
    Category.RED_ARMY: P.PENSION_SANHONG,
    Category.DEMOBILISED: P.PENSION_DEMOBILISED,
    Category.ILL_RETURNED: P.PENSION_RETURNED_ILL,
    Category.COMBAT_OR_TEST: P.PENSION_COMBAT_TEST,
    Category.RURAL_VETERAN_60: P.PENSION_RURAL_ELDERLY,
    Category.MARTYR_ELDERLY_CHILD: P.PENSION_MARTYR_CHILD,
}
"""The payment programme of each category's pension (a category without one cannot be published,
so its payment is refused before it commits)."""


def pension_paid(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return payment(
        event,
        programme=PROGRAMME[d["category"]],
        payment_id=d["payment_id"],
        beneficiary=d["beneficiary"],
        amount_fen=d["amount_fen"],
        standard_id=d["standard_id"],
        period=d["period"],
        run_id=d["run_id"],
    )


def pension_back_paid(event: RecordedEvent) -> OutgoingMessage:
    """A back-payment covers several months: it is a one-off in the contract (no period)."""
    d = event.data
    return payment(
        event,
        programme=PROGRAMME[d["category"]],
        payment_id=d["payment_id"],
        beneficiary=d["beneficiary"],
        amount_fen=d["amount_fen"],
        standard_id=d["standard_id"],
        run_id=d["run_id"],
    )


PUBLISHERS: dict[str, Publish] = {"PensionPaid": pension_paid, "PensionBackPaid": pension_back_paid}
