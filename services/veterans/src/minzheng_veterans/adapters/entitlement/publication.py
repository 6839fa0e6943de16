"""The area's publications for the provincial roll: a recognition or transfer in as
``EntitlementStarted``, a cancellation (transfer out included) as ``EntitlementCancelled``. Grade
and category changes, suspensions and resumptions stay internal.

The contract's ``key`` is the disabled ``<nature>.<grade>`` or the survivor kind only: a 三红
entitlement is published without its kind (``home`` / ``west_route`` / ``dispersed``), which its
``standard_id`` names (``pension.red_army.<kind>:…``)."""

from __future__ import annotations

from minzheng_contracts.veterans import EntitlementCancelled, EntitlementStarted
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish
from minzheng_eventstore.relay import contract_message

from ... import SERVICE
from ...domain.entitlement import entitlement as e
from ...domain.entitlement.categories import Category


def _key(d: dict[str, object]) -> object:
    """The key the contract knows: none for a 三红 kind (the contract has no 三红 kinds)."""
    return None if d["category"] == Category.RED_ARMY else d.get("key")


def _started(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("entitlement_id", "residence", "category", "service_years", "approved_on", "starts")
    data = {k: d[k] for k in keys} | {
        "key": _key(d),
        "person": d["resident_id"],
        "standard_id": d["standard_id"],
        "transferred_from": d.get("transferred_from"),
    }
    return contract_message(EntitlementStarted, event, data, producer=SERVICE)


def _cancelled(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("entitlement_id", "residence", "category", "reason", "effective_from", "transferred_to")
    data = {k: d.get(k) for k in keys} | {"key": _key(d), "person": d["resident_id"]}
    return contract_message(EntitlementCancelled, event, data, producer=SERVICE)


PUBLISHERS: dict[str, Publish] = {
    e.EntitledPersonRecognised.event_type: _started,
    e.EntitlementCancelled.event_type: _cancelled,
}
