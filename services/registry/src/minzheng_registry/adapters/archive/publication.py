"""The archive's records as the contract ``HistoricalMarriageImported`` (registry.archive.imported),
for the national marriage database; the import's report is internal."""

from __future__ import annotations

from minzheng_contracts.archive import HistoricalMarriageImported
from minzheng_eventstore import OutgoingMessage, RecordedEvent

from ..publication import message


def record_imported(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return message(
        HistoricalMarriageImported,
        event,
        {
            "record_id": d["record_id"],
            "kind": d["kind"],
            "certificate_number": d["certificate_number"],
            "husband": d["husband"],
            "wife": d["wife"],
            "registered_on": d["registered_on"],
            "office": d["office"],
            "flags": d["flags"],
            "dissolves": d["dissolves"],
        },
    )
