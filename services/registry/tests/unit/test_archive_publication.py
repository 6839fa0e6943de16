"""The archive's records are published as HistoricalMarriageImported (registry.archive.imported),
which validates; the import's report (rejected rows, counts) is internal."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems
from minzheng_kernel.events import DomainEvent
from minzheng_registry.adapters.archive import AREA
from minzheng_registry.domain.archive.records import (
    HistoricalImportCompleted,
    HistoricalMarriageImported,
    HistoricalRowsRejected,
    RejectedRow,
)
from minzheng_registry.entrypoints.app import Registry

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
RID = "5f0c1a9e-0000-4000-8000-0000000000a1"
IID = "5f0c1a9e-0000-4000-8000-0000000000b1"
MARRIAGE = HistoricalMarriageImported(
    RID,
    IID,
    "marriage",
    "婚字第 1 号",
    "330727195804021518",
    "330727196109302267",
    "1982-10-01",
    "330727101",
    ["husband_already_married"],
    ["marriage_age_male:330727:1981-01-01"],
)
DIVORCE = HistoricalMarriageImported(
    "5f0c1a9e-0000-4000-8000-0000000000a2",
    IID,
    "divorce",
    "离字第 1 号",
    "330727195804021518",
    "330727196109302267",
    "1995-03-15",
    "330727",
    [],
    [],
    RID,
)
SAMPLES: list[DomainEvent] = [
    MARRIAGE,
    DIVORCE,
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
    return RecordedEvent(
        f"sample-{n}",
        "sample",
        1,
        n,
        1,
        uuid.uuid4(),
        event.event_type,
        event.schema_version,
        event.to_data(),
        AT,
        AT,
        None,
        None,
        None,
        "official-test",
        "330727",
    )


def test_every_archive_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Registry(ServiceSettings("registry", "postgresql://unused/unused", "nats://unused:4222"))
    problems = publication_mapping_problems(service, [recorded(e, i) for i, e in enumerate(SAMPLES)])
    assert [x for x in problems if x.split(":")[0] in AREA.events.names] == []
    assert {e.event_type for e in SAMPLES} == AREA.events.names
    assert set(AREA.publishers) == {"HistoricalMarriageImported"}


def test_the_published_record() -> None:
    message = AREA.publishers["HistoricalMarriageImported"](recorded(DIVORCE, 1))
    assert message is not None and message.subject == "registry.archive.imported"
    body = json.loads(message.payload)
    assert body["data"]["dissolves"] == RID and body["data"]["kind"] == "divorce"
    assert body["data"]["husband"] == "330727195804021518"
