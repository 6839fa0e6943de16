"""The institutions area's publication: an admission as ``ResidentAdmitted`` and a discharge as
``ResidentDischarged`` (``eldercare.residency.*``), with the institution's kind and township and
``is_tekun``: assistance reads them to move a 特困 person to centralised support and back.
Everything else (registration, beds, leave, visits, unregistered homes) is internal."""

from __future__ import annotations

from minzheng_contracts.eldercare import ResidentAdmitted, ResidentDischarged
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish
from minzheng_eventstore.relay import contract_message

from ... import SERVICE
from ...domain.institutions import residency as r

COMMON = ("residency_id", "institution_id", "institution_kind", "township", "person", "is_tekun")


def _admitted(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    data = {k: d[k] for k in (*COMMON, "care_level", "admitted_on")}
    return contract_message(ResidentAdmitted, event, data, producer=SERVICE)


def _discharged(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    data = {k: d[k] for k in (*COMMON, "destination", "discharged_on")}
    return contract_message(ResidentDischarged, event, data, producer=SERVICE)


PUBLISHERS: dict[str, Publish] = {
    r.ResidentAdmitted.event_type: _admitted,
    r.ResidentDischarged.event_type: _discharged,
}
