"""The inspections area's publication: ``RectificationOverdue`` as the contract of that name
(``eldercare.rectification.overdue``, for the provincial safety-grid platform); every other event
of the area is internal."""

from __future__ import annotations

from minzheng_contracts.eldercare import RectificationOverdue as Contract
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish
from minzheng_eventstore.relay import contract_message

from ... import SERVICE
from ...domain.inspections.events import RectificationOverdue


def overdue(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    data = {
        "order_id": d["order_id"],
        "institution_id": d["institution_id"],
        "township": d["township"],
        "deadline": d["deadline"],
        "open_findings": d["open_findings"],
        "overdue_at": d["overdue_at"],
    }
    return contract_message(Contract, event, data, producer=SERVICE)


PUBLISHERS: dict[str, Publish] = {RectificationOverdue.event_type: overdue}
