"""The archive's records as the contract ``HistoricalMarriagesImported`` (registry.archive.imported),
for the national marriage database, up to 1,000 records a message; the import's report is internal."""

from __future__ import annotations

from operator import itemgetter

from minzheng_contracts.archive import HistoricalMarriagesImported
from minzheng_eventstore import OutgoingMessage, RecordedEvent

from ..publication import message

_PUBLISHED = (
    "record_id",
    "kind",
    "certificate_number",
    "husband",
    "wife",
    "registered_on",
    "office",
    "flags",
    "dissolves",
)
_published = itemgetter(*_PUBLISHED)
"""A stored record's published fields (all but ``standard_ids``), in one C-level call: the store's
check before the commit and the relay each map 1,000 records a message."""


def records_imported(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    records = [dict(zip(_PUBLISHED, _published(r))) for r in d["records"]]  # noqa: B905 (9 and 9)
    return message(
        HistoricalMarriagesImported,
        event,
        {"import_id": d["import_id"], "chunk": d["chunk"], "records": records},
    )
