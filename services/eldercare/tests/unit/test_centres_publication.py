"""Every centres and subsidies event is internal: the payments go to organisations, which
``PaymentIssued`` v2 (a resident or household beneficiary) cannot carry."""

from __future__ import annotations

from minzheng_eldercare.adapters import centres, subsidies
from minzheng_eldercare.domain.centres import centre as c
from minzheng_eldercare.domain.centres import subsidies as s
from minzheng_eldercare.domain.subsidies import private as p
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import publication_mapping_problems, sample_recorded
from minzheng_kernel.events import DomainEvent

CENTRE = "c0c0e000-0000-4000-8000-000000000001"
VILLAGE = "330727101201"
PAYMENT = "b1700000-0000-5000-8000-000000000001"

SAMPLES: list[DomainEvent] = [
    c.CareCentrePlanned(CENTRE, "东门村居家养老服务中心", VILLAGE, "2026-01-15"),
    c.CareCentreBuilt(CENTRE, "2026-02-20"),
    c.CareCentreAccepted(CENTRE, "2026-02-27"),
    c.CareCentreOpened(CENTRE, "2026-03-01"),
    s.SubsidyRoundSet(
        "330727-2023",
        2023,
        229_178_000,
        {"construction": 47_000_000, "meals": 99_478_000, "operating": 82_700_000},
        "2023-06-30",
        "330727",
    ),
    s.CareCentreSubsidyPaid(
        PAYMENT, CENTRE, VILLAGE, "operating", "2026", 661_600, "2026-03-02", "330727-2023"
    ),
    p.PrivateInstitutionSubsidyPaid(
        PAYMENT,
        "inst-1",
        "330727101",
        "2026-02",
        [
            {
                "care_level": "partial",
                "resident_months": 12,
                "rate_fen": 20_000,
                "amount_fen": 240_000,
                "standard_id": "subsidy.private.partial:330727:2012-04-01",
            }
        ],
        240_000,
        "2026-03-02",
    ),
]


def test_every_centres_and_subsidies_event_is_declared_internal() -> None:
    service = Eldercare(ServiceSettings("eldercare", "postgresql://unused/unused", "nats://unused:4222"))
    mine = centres.AREA.events.names | subsidies.AREA.events.names
    samples = [sample_recorded(x, i, jurisdiction=VILLAGE) for i, x in enumerate(SAMPLES)]
    assert [q for q in publication_mapping_problems(service, samples) if q.split(":")[0] in mine] == []
    assert {x.event_type for x in SAMPLES} == mine
    assert mine <= service.definition.internal_events
    assert dict(centres.AREA.publishers) == {} and dict(subsidies.AREA.publishers) == {}
