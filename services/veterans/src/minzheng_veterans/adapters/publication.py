"""What the outside world sees: each area maps its internal events to versioned contracts
(``contracts/``); the kit (``minzheng_eventstore.areas.compose``) puts the areas' mappings into the
service's one publication.

A mapping that cannot build a valid contract raises, and the store refuses the command before
anything commits (``publication_check``)."""

from __future__ import annotations

from typing import Any

from minzheng_contracts import IntegrationEvent
from minzheng_contracts.payments import PaymentIssuedV2, PaymentProgrammeV2
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.relay import contract_message

from .. import SERVICE


def message(
    contract: type[IntegrationEvent[Any]], event: RecordedEvent, data: dict[str, Any]
) -> OutgoingMessage:
    """The veterans service's message of ``contract`` for a stored event (the envelope from the event)."""
    return contract_message(contract, event, data, producer=SERVICE)


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
    """A payment an area recorded, as the one shared payment contract ``PaymentIssued`` v2
    (``veterans.payment.issued``): one message per payment."""
    data = {
        "payment_id": payment_id,
        "programme": programme.value,
        "beneficiary": beneficiary,
        "period": period,
        "amount_fen": amount_fen,
        "standard_id": standard_id,
        "run_id": run_id,
    }
    return message(PaymentIssuedV2, event, data)
