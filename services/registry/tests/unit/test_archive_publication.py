"""The archive's records are published as HistoricalMarriageImported (registry.archive.imported),
which validates; the import's report (rejected rows, counts) is internal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.errors import UnpublishableEventError
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.relay import published_form
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent
from minzheng_registry.adapters.archive import AREA
from minzheng_registry.domain.archive.records import (
    ArchivedRecord,
    HistoricalImportCompleted,
    HistoricalRecordsImported,
    HistoricalRowsRejected,
    RejectedRow,
)
from minzheng_registry.entrypoints.app import Registry

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
RID = "5f0c1a9e-0000-4000-8000-0000000000a1"
IID = "5f0c1a9e-0000-4000-8000-0000000000b1"
MARRIAGE = ArchivedRecord(
    record_id=RID,
    kind="marriage",
    certificate_number="婚字第 1 号",
    husband="330727195804021518",
    wife="330727196109302267",
    registered_on="1982-10-01",
    office="330727101",
    flags=["husband_already_married"],
    standard_ids=["marriage_age_male:330727:1981-01-01"],
    dissolves=None,
)
DIVORCE = ArchivedRecord(
    record_id="5f0c1a9e-0000-4000-8000-0000000000a2",
    kind="divorce",
    certificate_number="离字第 1 号",
    husband="330727195804021518",
    wife="330727196109302267",
    registered_on="1995-03-15",
    office="330727",
    flags=[],
    standard_ids=[],
    dissolves=RID,
)
RECORDS = HistoricalRecordsImported(IID, 0, [MARRIAGE, DIVORCE])
SAMPLES: list[DomainEvent] = [
    RECORDS,
    HistoricalRowsRejected(
        IID,
        [
            RejectedRow(
                line=1,
                problems=[],
                party_a="********",
                party_b="********",
                certificate_number="",
                registered_on="",
            )
        ],
    ),
    HistoricalImportCompleted(IID, "api", 3, 2, 0, 1, 1),
]


def recorded(event: DomainEvent, n: int) -> RecordedEvent:
    return sample_recorded(event, n)


def test_every_archive_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Registry(ServiceSettings("registry", "postgresql://unused/unused", "nats://unused:4222"))
    problems = publication_mapping_problems(service, [recorded(e, i) for i, e in enumerate(SAMPLES)])
    assert [x for x in problems if x.split(":")[0] in AREA.events.names] == []
    assert {e.event_type for e in SAMPLES} == AREA.events.names
    assert set(AREA.publishers) == {"HistoricalRecordsImported"}


def test_the_published_record() -> None:
    message = AREA.publishers["HistoricalRecordsImported"](recorded(RECORDS, 1))
    assert message is not None and message.subject == "registry.archive.imported"
    body = json.loads(message.payload)
    assert body["event_type"] == "HistoricalMarriagesImported"
    marriage, divorce = body["data"]["records"]
    assert divorce["dissolves"] == RID and divorce["kind"] == "divorce"
    assert marriage["husband"] == "330727195804021518" and "standard_ids" not in marriage


def test_a_record_the_contract_refuses_is_not_published() -> None:
    wrong = HistoricalRecordsImported(IID, 0, [ArchivedRecord(**{**MARRIAGE, "dissolves": RID})])
    service = Registry(ServiceSettings("registry", "postgresql://unused/unused", "nats://unused:4222"))
    assert service.definition.publication is not None
    with pytest.raises(UnpublishableEventError) as refused:
        published_form(service.definition.publication, recorded(wrong, 0))
    assert refused.value.field == "data.records.0"
    assert "only a divorce dissolves a marriage" in refused.value.reason
    assert "330727195804021518" not in str(refused.value)
