"""Every event type of the allowance area is published as a contract that validates, or is
internal: the roll's start and end are published (``AllowanceStarted``, ``AllowanceEnded``), the
registration, moves, proofs, band changes, suspensions and resumptions are internal; an end the
contract refuses (a death without its date) raises before commit."""

from __future__ import annotations

import pytest

from minzheng_eldercare.adapters.allowance import AREA
from minzheng_eldercare.domain.allowance import events as ev
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

RESIDENT = "330727194403050014"
EID = "abcdefghijklmnopqrstuvwxyz"
VILLAGE = "330727101201"
STANDARD = "allowance.band.80:330727:2025-01-01"

SAMPLES: list[DomainEvent] = [
    ev.ElderRegistered(EID, RESIDENT, "1944-03-05", VILLAGE, "2026-03-02", "application", False, None),
    ev.ElderRegistered(EID, RESIDENT, "1944-03-05", VILLAGE, "2026-03-02", "roll_import", True, 80_000),
    ev.ElderMoved(EID, "330782101201", "2026-03-18", False),
    ev.ProofOfLifeRecorded(EID, "2027-04-12"),
    ev.AllowanceStarted(EID, EID, RESIDENT, VILLAGE, "80-89", 80, "2026-03", 12_000, STANDARD),
    ev.AllowanceStarted(EID, EID, RESIDENT, VILLAGE, "100+", 100, "2026-03", 30_000, STANDARD),
    ev.AllowanceBandChanged(EID, EID, "80-89", "90-99", 90, "2026-05", 20_000, STANDARD),
    ev.AllowanceSuspended(EID, EID, "moved_away", "2026-04"),
    ev.AllowanceResumed(EID, EID, "2026-07"),
    ev.AllowanceEnded(EID, EID, RESIDENT, VILLAGE, "death", "2026-05", "2026-05-02"),
    ev.ProofOfLifeLapsed(EID, "2027-03-02"),
    ev.EligibilityChanged(EID, False, "2026-04"),
    ev.ElderDied(EID, "2026-05-02"),
]


def test_every_elder_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Eldercare(ServiceSettings("eldercare", "postgresql://unused/unused", "nats://unused:4222"))
    samples = [
        sample_recorded(x, i, stream_type="elder", jurisdiction=VILLAGE) for i, x in enumerate(SAMPLES)
    ]
    problems = publication_mapping_problems(service, samples)
    assert [x for x in problems if x.split(":")[0] in AREA.events.names] == []
    assert {x.event_type for x in SAMPLES} == AREA.events.names
    assert set(AREA.publishers) == {"AllowanceStarted", "AllowanceEnded"}


def test_the_published_start_carries_the_roll_fields() -> None:
    started = SAMPLES[4]
    message = AREA.publishers["AllowanceStarted"](sample_recorded(started, 1, jurisdiction=VILLAGE))
    assert message is not None and message.subject.endswith("allowance.started")
    assert b'"band":"80-89"' in message.payload and b'"starts":"2026-03"' in message.payload


def test_an_end_the_contract_refuses_raises_before_commit() -> None:
    bad = ev.AllowanceEnded(EID, EID, RESIDENT, VILLAGE, "death", "2026-05", None)
    with pytest.raises(ValueError, match="died_on"):
        AREA.publishers["AllowanceEnded"](sample_recorded(bad, 1, jurisdiction=VILLAGE))
