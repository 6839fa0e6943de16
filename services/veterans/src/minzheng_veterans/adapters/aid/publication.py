"""The aid area's publication: each one-off grant (医疗及其他补助) as one ``PaymentIssued`` v2 on
``veterans.payment.issued``: the outpatient allowance and the inpatient subsidy as the medical
subsidy (医疗补助), the holiday visit (节日慰问), the hardship relief (困难帮扶). A one-off grant has
no period and no run."""

from __future__ import annotations

from minzheng_contracts import PaymentProgrammeV2
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ...domain.aid.grants import (
    HardshipReliefPaid,
    HolidayVisitPaid,
    InpatientSubsidyPaid,
    OutpatientAllowancePaid,
)
from ..publication import payment

PROGRAMMES: dict[str, PaymentProgrammeV2] = {
    OutpatientAllowancePaid.event_type: PaymentProgrammeV2.MEDICAL_SUBSIDY,
    InpatientSubsidyPaid.event_type: PaymentProgrammeV2.MEDICAL_SUBSIDY,
    HolidayVisitPaid.event_type: PaymentProgrammeV2.HOLIDAY_VISIT,
    HardshipReliefPaid.event_type: PaymentProgrammeV2.HARDSHIP_AID,
}
"""The contract's programme of each grant's event type."""


def grant_paid(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return payment(
        event,
        programme=PROGRAMMES[event.event_type],
        payment_id=d["payment_id"],
        beneficiary=d["resident_id"],
        amount_fen=d["amount_fen"],
        standard_id=d["standard_id"],
    )


PUBLISHERS: dict[str, Publish] = dict.fromkeys(PROGRAMMES, grant_paid)
