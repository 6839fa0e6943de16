"""The insurance area's publication: each enrolment's premium is one ``PaymentIssued`` v2
(``eldercare.payment.issued``), programme ``eldercare_accident_insurance_premium``, the insured
elder as beneficiary, no period (a yearly premium is a one-off), its enrolment run named."""

from __future__ import annotations

from minzheng_contracts.payments import PaymentProgrammeV2
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ..payments.publication import payment


def premium_paid(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return payment(
        event,
        programme=PaymentProgrammeV2.ACCIDENT_INSURANCE_PREMIUM,
        payment_id=d["payment_id"],
        beneficiary=d["beneficiary"],
        amount_fen=d["premium_fen"],
        standard_id=d["standard_id"],
        run_id=d["run_id"],
    )


PUBLISHERS: dict[str, Publish] = {"AccidentInsuranceEnrolled": premium_paid}

__all__ = ["PUBLISHERS", "premium_paid"]
