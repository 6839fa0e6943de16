"""The death area's publication: each one-off paid (``DeathBenefitPaid``) as one ``PaymentIssued``
v2 on ``veterans.payment.issued``, the deceased as the beneficiary: the funeral subsidy and the
local funeral grant as 丧葬补助费, the one-off pension as 一次性抚恤金. The case's other events, the
overpayments included, are internal."""

from __future__ import annotations

from minzheng_contracts import PaymentProgrammeV2
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ...domain.death.case import DeathBenefitPaid
from ..publication import payment

PROGRAMMES = {
    "funeral_subsidy": PaymentProgrammeV2.FUNERAL_SUBSIDY,
    "funeral_grant": PaymentProgrammeV2.FUNERAL_SUBSIDY,
    "one_off_pension": PaymentProgrammeV2.ONE_OFF_PENSION,
}


def one_off_paid(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return payment(
        event,
        programme=PROGRAMMES[d["kind"]],
        payment_id=d["payment_id"],
        beneficiary=d["resident_id"],
        amount_fen=d["amount_fen"],
        standard_id=" + ".join(d["standard_ids"]),
    )


PUBLISHERS: dict[str, Publish] = {DeathBenefitPaid.event_type: one_off_paid}
