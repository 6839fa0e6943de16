"""The archive's records as the contract ``HistoricalMarriagesImported`` (registry.archive.imported),
for the national marriage database, up to 1,000 records a message; the import's report is internal."""

from __future__ import annotations

from minzheng_contracts.archive import HistoricalMarriagesImported
from minzheng_eventstore import OutgoingMessage, RecordedEvent

from ..publication import message

_PUBLISHED = ("record_id", "kind", "certificate_number", "husband", "wife", "registered_on", "office")


def records_imported(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    records = [
        {**{k: r[k] for k in _PUBLISHED}, "flags": r["flags"], "dissolves": r["dissolves"]}
        for r in d["records"]
    ]
    return message(
        HistoricalMarriagesImported,
        event,
        {"import_id": d["import_id"], "chunk": d["chunk"], "records": records},
    )
