"""The area's publications: a division's whole state as ``DivisionRecorded``, an approval as
``PlaceNamed``, a renaming as ``PlaceRenamed``, an issued number as ``HouseNumberIssued``. The
procedure's other steps, the name indexes, reservations, retirements and certificates stay
internal."""

from __future__ import annotations

from minzheng_contracts.places import DivisionRecorded, HouseNumberIssued, PlaceNamed, PlaceRenamed
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ...domain.places import divisions, numbering, place_events
from ..publication import message


def _division(event: RecordedEvent) -> OutgoingMessage:
    data = event.data
    fields = ("code", "name", "level", "parent", "valid_from", "valid_to")
    return message(DivisionRecorded, event, {k: data[k] for k in fields})


def _named(event: RecordedEvent) -> OutgoingMessage:
    data = event.data
    fields = ("place_id", "kind", "name", "effective_from", "approved_on", "division")
    return message(PlaceNamed, event, {k: data[k] for k in fields})


def _renamed(event: RecordedEvent) -> OutgoingMessage:
    data = event.data
    fields = ("place_id", "kind", "former_name", "name", "effective_from", "division")
    return message(PlaceRenamed, event, {k: data[k] for k in fields})


def _issued(event: RecordedEvent) -> OutgoingMessage:
    data = event.data
    fields = ("road_id", "road_name", "number", "sub_number", "side", "division", "address", "issued_on")
    return message(HouseNumberIssued, event, {k: data[k] for k in fields})


PUBLISHERS: dict[str, Publish] = {
    divisions.DivisionEstablished.event_type: _division,
    divisions.DivisionRenamed.event_type: _division,
    divisions.DivisionAbolished.event_type: _division,
    divisions.DivisionRestated.event_type: _division,
    place_events.PlaceNameApproved.event_type: _named,
    place_events.PlaceRenamed.event_type: _renamed,
    numbering.HouseNumberIssued.event_type: _issued,
}
