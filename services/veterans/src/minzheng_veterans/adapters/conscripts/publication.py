"""The conscripts area's publication: each payment of the family allowance (义务兵家庭优待金),
the service year's allowance and a merit's supplement (立功增发) alike, as one ``PaymentIssued`` v2
on ``veterans.payment.issued``. Enlistments, merits and ends of service stay internal.

Decided where the rules are silent: the contract's ``period`` is the pay period the allowance run
paid the service year in (``YYYY-MM``), so the finance side can match the run's month."""

from __future__ import annotations

from minzheng_contracts import PaymentProgrammeV2
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ...domain.conscripts.conscript import ConscriptAllowancePaid
from ..publication import payment


def allowance_paid(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return payment(
        event,
        programme=PaymentProgrammeV2.CONSCRIPT_FAMILY_ALLOWANCE,
        payment_id=d["payment_id"],
        beneficiary=d["resident_id"],
        amount_fen=d["amount_fen"],
        standard_id=d["standard_id"],
        period=d["period"],
        run_id=d.get("run_id"),
    )


PUBLISHERS: dict[str, Publish] = {ConscriptAllowancePaid.event_type: allowance_paid}
