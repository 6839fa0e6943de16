"""The payments area's publication: every allowance payment is one ``PaymentIssued`` v2
(``eldercare.payment.issued``), programme ``eldercare_old_age_allowance``, the elder as the
beneficiary; a month's names its period, a year's (annual mode, several months) is a one-off in the
contract (no period) with its run. The run's summary and the overpayments are internal."""

from __future__ import annotations

from typing import Any

from minzheng_contracts.payments import PaymentIssuedV2, PaymentProgrammeV2
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish
from minzheng_eventstore.relay import contract_message

from ... import SERVICE


def payment(
    event: RecordedEvent,
    *,
    programme: PaymentProgrammeV2,
    payment_id: str,
    beneficiary: str,
    amount_fen: int,
    standard_id: str,
    period: str | None = None,
    run_id: str | None = None,
) -> OutgoingMessage:
    """A payment an eldercare area recorded, as the one shared payment contract ``PaymentIssued``
    v2 (``eldercare.payment.issued``): one message per payment."""
    data: dict[str, Any] = {
        "payment_id": payment_id,
        "programme": programme.value,
        "beneficiary": beneficiary,
        "period": period,
        "amount_fen": amount_fen,
        "standard_id": standard_id,
        "run_id": run_id,
    }
    return contract_message(PaymentIssuedV2, event, data, producer=SERVICE)


def allowance_paid(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return payment(
        event,
        programme=PaymentProgrammeV2.OLD_AGE_ALLOWANCE,
        payment_id=d["payment_id"],
        beneficiary=d["beneficiary"],
        amount_fen=d["amount_fen"],
        standard_id=d["standard_id"],
        period=d["key"] if d["mode"] == "monthly" else None,
        run_id=d["run_id"],
    )


PUBLISHERS: dict[str, Publish] = {"AllowancePaid": allowance_paid}

__all__ = ["PUBLISHERS", "allowance_paid", "payment"]
