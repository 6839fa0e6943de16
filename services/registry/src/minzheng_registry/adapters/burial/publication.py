"""The burial area's publication: ``CremationRecorded`` for the cremation rate (火化率); the
cemetery, plot, waiver and illegal burial events are internal."""

from __future__ import annotations

from minzheng_contracts.burial import CremationRecorded
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ..publication import message


def cremation_recorded(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return message(
        CremationRecorded,
        event,
        {
            "registration_id": d["registration_id"],
            "deceased": d["deceased"],
            "cremated_on": d["cremated_on"],
            "funeral_home": d["funeral_home"],
            "residence": d["residence"],
        },
    )


PUBLISHERS: dict[str, Publish] = {"CremationRecorded": cremation_recorded}
