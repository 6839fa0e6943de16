"""The county reports on the real stack: a known county built through the HTTP API (and the
allowance area's events, as the payments tests seed them), the clock moved, every figure asserted
exactly, today and as of a day in the past that differs from it; the reports' projection rebuilt
from the events gives the same figures."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from minzheng_contracts.period import Period
from minzheng_eldercare.application.inspections.scheduler import raise_due
from minzheng_eldercare.application.reports.streams import NAME
from minzheng_kernel.calendar import CHINA

from .conftest import Running
from .test_payments_seed import seed

EAST, WEST = "330727101", "330727102"


def institution(iid: str, township: str, beds: int, kind: str = "nursing_home") -> dict[str, Any]:
    return {
        "institution_id": iid,
        "name": f"敬老院 {iid}",
        "kind": kind,
        "township": township,
        "beds": beds,
        "model": "public" if kind == "nursing_home" else "private",
        "registered_on": "2026-03-01",
    }


def admission(n: int) -> dict[str, Any]:
    from minzheng_contracts import make_resident_id

    return {
        "resident_id": make_resident_id("330727", date(1940, 1, 1), n).reveal(),
        "agreement_number": f"RZ-{n}",
        "agreement_date": "2026-03-01",
        "care_level": "partial",
        "is_tekun": False,
        "admitted_on": "2026-03-02",
    }


async def report(client: Running, name: str, **query: Any) -> dict[str, Any]:
    return dict((await client.get(f"/reports/{name}", **query)).json())


async def test_the_allowance_roll_and_money_by_band_today_and_as_of_a_past_month(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    await seed(ctx, 1)  # 80-89 from 2024-01, township EAST
    await seed(ctx, 2, born=date(1934, 2, 2), lower=90)
    await seed(ctx, 3, born=date(1941, 6, 1), starts=Period(2026, 4))  # starts in April
    await seed(ctx, 4, residence="330727102203")  # WEST
    await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)
    eldercare.clock.set(datetime(2026, 4, 10, 9, 0, tzinfo=CHINA))
    await eldercare.post("/allowance-runs", {"period": "2026-04"}, expect=201)

    today = await report(eldercare, "allowance")
    assert (today["as_of"], today["period"], today["paid_key"]) == ("2026-04-10", "2026-04", "2026-04")
    assert today["bands"] == {
        "80-89": {"active": 3, "monthly_fen": 36_000, "paid_fen": 36_000, "paid_count": 3},
        "90-99": {"active": 1, "monthly_fen": 20_000, "paid_fen": 20_000, "paid_count": 1},
    }
    assert today["by_township"] == {EAST: 3, WEST: 1}

    march = await report(eldercare, "allowance", as_of="2026-03-15", township=EAST)
    assert march["period"] == "2026-03"
    assert march["bands"] == {
        "80-89": {"active": 1, "monthly_fen": 12_000, "paid_fen": 12_000, "paid_count": 1},
        "90-99": {"active": 1, "monthly_fen": 20_000, "paid_fen": 20_000, "paid_count": 1},
    }
    assert march["by_township"] == {EAST: 2}
    year_2024 = await report(eldercare, "allowance", as_of="2024-06-01")
    assert year_2024["bands"]["80-89"] == {"active": 2, "monthly_fen": 20_000, "paid_fen": 0, "paid_count": 0}
    refused = await eldercare.request("GET", "/reports/allowance", params={"paid_key": "2026-13"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "paid_key"


async def test_beds_occupancy_per_thousand_and_hazards_today_and_as_of_the_past(eldercare: Running) -> None:
    await eldercare.post("/institutions", institution("home-e", EAST, 10), expect=201)
    await eldercare.post("/institutions", institution("home-w", WEST, 20, kind="private"), expect=201)
    rids = [
        (await eldercare.post("/institutions/home-e/admissions", admission(n), expect=201)).json()[
            "residency_id"
        ]
        for n in (1, 2)
    ]
    for township, day, population in ((EAST, "2026-01-01", 2000), (WEST, "2026-01-01", 5000)):
        body = {"township": township, "effective_from": day, "population": population, "source": "统计局"}
        await eldercare.post("/reports/population", body, expect=201)
    await eldercare.post("/reports/population", body, expect=200)  # the same posting again
    conflict = await eldercare.post("/reports/population", body | {"population": 1})
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "population_posted"
    inspection = str(uuid.UUID(int=7))
    await eldercare.post(
        "/inspections",
        {
            "inspection_id": inspection,
            "institution_id": "home-e",
            "inspected_on": "2026-03-02",
            "inspector": "检查组",
            "findings": [{"category": "fire", "description": f"隐患 {i}"} for i in range(2)],
        },
        expect=201,
    )
    order = str(uuid.UUID(int=0x107))
    await eldercare.post(f"/inspections/{inspection}/rectification-orders", {"order_id": order}, expect=201)

    eldercare.clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=CHINA))
    await eldercare.post(
        f"/institutions/home-e/residents/{rids[0]}/discharge",
        {"destination": "home", "discharged_on": "2026-03-20"},
        expect=201,
    )
    eldercare.clock.set(datetime(2026, 3, 29, 0, 0, tzinfo=CHINA))
    assert (await raise_due(eldercare.service.context()))["at_risk"] == 1
    eldercare.clock.set(datetime(2026, 4, 2, 0, 0, tzinfo=CHINA))
    assert (await raise_due(eldercare.service.context()))["overdue"] == 1
    await eldercare.post(
        "/reports/population",
        {"township": EAST, "effective_from": "2026-04-01", "population": 2500, "source": "统计局"},
        expect=201,
    )
    await eldercare.post(
        f"/rectification-orders/{order}/reinspections",
        {
            "reinspected_on": "2026-04-02",
            "inspector": "组",
            "findings": [{"hazard_id": f"{inspection}-1", "fixed": True}],
        },
        expect=201,
    )

    async def check() -> None:
        past = await report(eldercare, "beds", as_of="2026-03-10")
        assert past["total"] == {
            "institutions": 2,
            "beds": 30,
            "occupied": 2,
            "elderly": 7000,
            "occupancy_percent": "6.67",
            "beds_per_thousand": "4.29",
        }
        assert past["by_township"][EAST] == {
            "institutions": 1,
            "beds": 10,
            "occupied": 2,
            "elderly": 2000,
            "occupancy_percent": "20.00",
            "beds_per_thousand": "5.00",
        }
        assert past["by_township"][WEST]["beds_per_thousand"] == "4.00"
        assert set(past["by_kind"]) == {"nursing_home", "private"}
        today = await report(eldercare, "beds", township=EAST)
        assert today["as_of"] == "2026-04-02"
        assert today["total"] == {
            "institutions": 1,
            "beds": 10,
            "occupied": 1,
            "elderly": 2500,
            "occupancy_percent": "10.00",
            "beds_per_thousand": "4.00",
        }
        before = await report(eldercare, "beds", as_of="2026-02-28")
        assert (before["total"]["institutions"], before["total"]["beds"]) == (0, 0)

        h10 = await report(eldercare, "hazards", as_of="2026-03-10")
        assert (h10["total"]["found"], h10["total"]["open"], h10["total"]["fixed"]) == (2, 2, 0)
        assert h10["total"]["orders"] == {"open": 1, "at_risk": 0, "overdue": 0, "completed": 0}
        assert list(h10["by_township"]) == [EAST]
        h30 = await report(eldercare, "hazards", as_of="2026-03-30")
        assert h30["total"]["orders"] == {"open": 0, "at_risk": 1, "overdue": 0, "completed": 0}
        now = await report(eldercare, "hazards")
        assert (now["total"]["found"], now["total"]["open"], now["total"]["fixed"]) == (2, 1, 1)
        assert sum(now["total"]["open_by_sector"].values()) == 1
        assert now["total"]["orders"] == {"open": 0, "at_risk": 0, "overdue": 1, "completed": 0}
        assert (await report(eldercare, "hazards", township=WEST))["total"]["found"] == 0

    await check()
    await eldercare.service.context().projection(NAME).rebuild()
    await check()


async def test_centres_by_status_and_subsidies_by_type_as_of(eldercare: Running) -> None:
    a, b = str(uuid.UUID(int=0xA)), str(uuid.UUID(int=0xB))
    plan = {"name": "东门村居家养老服务中心", "division": "330727101201"}
    await eldercare.post("/care-centres", plan | {"centre_id": a, "planned_on": "2026-01-15"}, expect=201)
    await eldercare.post("/care-centres", plan | {"centre_id": b, "planned_on": "2026-02-01"}, expect=201)
    await eldercare.post(f"/care-centres/{a}/built", {"built_on": "2026-02-20"}, expect=201)
    await eldercare.post(f"/care-centres/{a}/accepted", {"accepted_on": "2026-02-27"}, expect=201)
    await eldercare.post(f"/care-centres/{a}/operating", {"opened_on": "2026-03-01"}, expect=201)
    await eldercare.post(
        "/subsidy-rounds",
        {
            "round_id": "330727-2026",
            "year": 2026,
            "total_fen": 3_000_000,
            "decided_on": "2026-01-10",
            "amounts": {"construction": 1_000_000, "operating": 1_000_000, "meals": 1_000_000},
        },
        expect=201,
    )
    pay = {"reference": "2026", "round_id": "330727-2026", "paid_on": "2026-03-02"}
    await eldercare.post(
        f"/care-centres/{a}/subsidies", pay | {"kind": "operating", "amount_fen": 661_600}, expect=201
    )
    await eldercare.post(
        f"/care-centres/{a}/subsidies",
        pay | {"kind": "construction", "amount_fen": 470_000, "paid_on": "2026-02-28"},
        expect=201,
    )
    today = await report(eldercare, "centres")
    assert today["centres"] == 2
    assert today["by_status"] == {"planned": 1, "built": 0, "accepted": 0, "operating": 1}
    assert today["by_township"] == {EAST: 2}
    assert today["subsidies_to_date"] == {"construction": 470_000, "operating": 661_600}
    assert today["subsidies_in_year"] == {"construction": 470_000, "operating": 661_600}
    past = await report(eldercare, "centres", as_of="2026-02-28")
    assert past["by_status"] == {"planned": 1, "built": 0, "accepted": 1, "operating": 0}
    assert past["subsidies_to_date"] == {"construction": 470_000}
    earlier = await report(eldercare, "centres", as_of="2026-01-20")
    assert (earlier["centres"], earlier["by_status"]["planned"]) == (1, 1)
    assert (await report(eldercare, "centres", township=WEST))["centres"] == 0
    bad = await eldercare.request("GET", "/reports/centres", params={"as_of": "1999-12-31"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "as_of"
