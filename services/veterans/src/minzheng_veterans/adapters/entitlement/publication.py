"""The area's publications for the provincial roll: a recognition or transfer in as
``EntitlementStarted``, a cancellation (transfer out included) as ``EntitlementCancelled``. Grade
and category changes, suspensions and resumptions stay internal."""

from __future__ import annotations

from minzheng_contracts.veterans import EntitlementCancelled, EntitlementStarted
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish
from minzheng_eventstore.relay import contract_message

from ... import SERVICE
from ...domain.entitlement import entitlement as e


def _started(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("entitlement_id", "residence", "category", "key", "service_years", "approved_on", "starts")
    data = {k: d[k] for k in keys} | {
        "person": d["resident_id"],
        "standard_id": d["standard_id"],
        "transferred_from": d.get("transferred_from"),
    }
    return contract_message(EntitlementStarted, event, data, producer=SERVICE)


def _cancelled(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("entitlement_id", "residence", "category", "key", "reason", "effective_from", "transferred_to")
    data = {k: d.get(k) for k in keys} | {"person": d["resident_id"]}
    return contract_message(EntitlementCancelled, event, data, producer=SERVICE)


PUBLISHERS: dict[str, Publish] = {
    e.EntitledPersonRecognised.event_type: _started,
    e.EntitlementCancelled.event_type: _cancelled,
}
