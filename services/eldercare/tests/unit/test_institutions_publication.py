"""The institutions area publishes ``ResidentAdmitted`` and ``ResidentDischarged`` as the contracts
of the same names (with the institution's kind, township and is_tekun); everything else is
internal."""

from __future__ import annotations

from datetime import date

from minzheng_contracts import make_resident_id
from minzheng_contracts.eldercare import ResidentAdmitted, ResidentDischarged
from minzheng_eldercare.adapters.institutions import AREA
from minzheng_eldercare.domain.institutions import institution as i
from minzheng_eldercare.domain.institutions import residency as r
from minzheng_eldercare.domain.institutions import unregistered as u
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

PERSON = make_resident_id("330727", date(1944, 5, 6), 27).reveal()
RID = "5e5d0000-0000-4000-8000-000000000001"
HOME = "jly-330727101"
SAMPLES: list[DomainEvent] = [
    i.InstitutionRegistered(HOME, "敬老院", "nursing_home", "330727101", 10, "public", "2026-03-01"),
    i.BedsAdded(HOME, 5, 15, "2026-03-02"),
    i.BedsRemoved(HOME, 2, 13, "2026-03-02"),
    r.ResidentAdmitted(
        RID, HOME, "nursing_home", "330727101", PERSON, True, "partial", "RZ-1", "2026-03-01", "2026-03-01"
    ),
    r.ResidentLeaveGranted(RID, 1, "2026-03-02", "2026-03-05", "探亲", "s"),
    r.ResidentReturned(RID, 1, "2026-03-04", False),
    r.ResidentLeaveOverdue(RID, 1, "2026-03-05"),
    r.ResidentMedicalVisitRecorded(RID, "2026-03-02", "县医院", "复诊"),
    r.ResidentDischarged(
        RID, HOME, "nursing_home", "330727101", PERSON, True, "death", "2026-03-09", None, "reg"
    ),
    u.UnregisteredHomeReported("c1", "托老点", "330727103", "某村", 5, "2026-03-01"),
    u.UnregisteredHomeRegistered("c1", HOME, "2026-03-02"),
    u.UnregisteredHomeClosedDown("c1", "2026-03-02", ""),
]


def test_every_institutions_event_maps_to_a_valid_contract_or_is_internal() -> None:
    service = Eldercare(ServiceSettings("eldercare", "postgresql://unused/unused", "nats://unused:4222"))
    events = [sample_recorded(e, n, jurisdiction="330727101") for n, e in enumerate(SAMPLES)]
    assert {e.event_type for e in events} == AREA.events.names
    mine = AREA.events.names
    assert [p for p in publication_mapping_problems(service, events) if p.split(":", 1)[0] in mine] == []


def test_admission_and_discharge_are_the_contracts_the_rest_internal() -> None:
    assert set(AREA.publishers) == {"ResidentAdmitted", "ResidentDischarged"}
    assert AREA.internal == AREA.events.names - {"ResidentAdmitted", "ResidentDischarged"}
    admitted = AREA.publishers["ResidentAdmitted"](sample_recorded(SAMPLES[3], 1, jurisdiction="330727101"))
    assert admitted is not None and admitted.subject == "eldercare.residency.admitted"
    a = ResidentAdmitted.model_validate_json(admitted.payload).data
    assert (a.institution_kind, str(a.township), a.is_tekun, a.person.reveal()) == (
        "nursing_home",
        "330727101",
        True,
        PERSON,
    )
    out = AREA.publishers["ResidentDischarged"](sample_recorded(SAMPLES[8], 2, jurisdiction="330727101"))
    assert out is not None and out.subject == "eldercare.residency.discharged"
    d = ResidentDischarged.model_validate_json(out.payload).data
    assert (d.destination, str(d.discharged_on), d.is_tekun) == ("death", "2026-03-09", True)
