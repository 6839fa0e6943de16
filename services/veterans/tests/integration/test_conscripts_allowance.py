"""The conscript family allowance on the real stack: each service year paid once in its pay
period by the run of that period (repeated and concurrent runs pay nobody twice), stopped by a
promotion, a merit's supplement paid once with the difference for a higher one, bad input 4xx with
nothing written, one enlistment per person."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


def conscript(seq: int, **more: Any) -> dict[str, Any]:
    return {
        "conscript_id": str(uuid.UUID(int=seq)),
        "resident_id": make_resident_id("330727", date(2006, 3, 1), seq).reveal(),
        "county": VILLAGE,
        "enlisted_on": "2025-09-10",
        **more,
    }


async def payments(client: Any) -> int:
    return int(await client.fetchval("SELECT count(*) FROM events WHERE stream_type = 'conscript-payment'"))


async def test_each_service_year_is_paid_once_by_the_runs_and_a_promotion_stops_it(veterans: Running) -> None:
    veterans.clock.set(datetime(2025, 9, 20, 9, 0, tzinfo=CHINA))
    for seq in (1, 2, 3):
        body = (await veterans.post("/conscripts", conscript(seq), expect=201)).json()
    assert body["pay_periods"] == ["2025-09", "2026-09"]
    await veterans.post("/conscripts", conscript(4, enlisted_on="2025-03-10"), expect=201)  # pays in March
    refused(
        await veterans.post("/conscript-allowance-runs", {"period": "2025-10"}),
        422,
        "period_in_future",
        "period",
    )
    runs = await asyncio.gather(
        *(veterans.post("/conscript-allowance-runs", {"period": "2025-09"}) for _ in range(3))
    )
    assert all(r.status_code == 201 for r in runs), [r.text for r in runs]
    assert sum(r.json()["paid"] for r in runs) == 3 and await payments(veterans) == 3
    assert sum(r.json()["total_fen"] for r in runs) == 3 * 1_000_000
    again = (await veterans.post("/conscript-allowance-runs", {"period": "2025-09"}, expect=201)).json()
    assert (again["paid"], again["already_paid"], again["skipped"]) == (0, 3, {"not_a_pay_period": 1})
    # conscript 2 is promoted to 军士 before the second year begins; conscript 3 is discharged after it
    veterans.clock.set(datetime(2025, 12, 2, 9, 0, tzinfo=CHINA))
    await veterans.post(
        f"/conscripts/{uuid.UUID(int=2)}/end",
        {"reason": "promoted_nco", "ended_on": "2025-12-01"},
        expect=201,
    )
    veterans.clock.set(datetime(2026, 9, 15, 9, 0, tzinfo=CHINA))
    await veterans.post(
        f"/conscripts/{uuid.UUID(int=3)}/end", {"reason": "discharged", "ended_on": "2026-09-12"}, expect=201
    )
    second = (await veterans.post("/conscript-allowance-runs", {"period": "2026-09"}, expect=201)).json()
    assert (second["paid"], second["skipped"]) == (2, {"service_ended": 1, "not_a_pay_period": 1})
    one = (await veterans.get(f"/conscripts/{uuid.UUID(int=1)}")).json()
    assert [(a["service_year"], a["period"], a["amount_fen"]) for a in one["allowances"]] == [
        (1, "2025-09", 1_000_000),
        (2, "2026-09", 1_000_000),
    ]
    assert one["allowances"][0]["standard_id"] == "conscript_allowance_annual:330727:2018-01-01"
    promoted = (await veterans.get(f"/conscripts/{uuid.UUID(int=2)}")).json()
    assert promoted["status"] == "promoted_nco" and len(promoted["allowances"]) == 1
    assert (await veterans.get("/conscripts", status="serving")).json()["total"] == 2


async def test_a_merit_pays_its_supplement_once_and_a_higher_one_the_difference(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=CHINA))
    cid = uuid.UUID(int=11)
    await veterans.post("/conscripts", conscript(11), expect=201)
    third = {"merit": "third_class", "awarded_on": "2026-02-01", "document": "嘉奖令1"}
    got = (await veterans.post(f"/conscripts/{cid}/merits", third, expect=201)).json()
    assert (got["supplement"]["amount_fen"], got["supplement"]["period"]) == (200_000, "2025-09")
    refused(await veterans.post(f"/conscripts/{cid}/merits", third), 409, "merit_recorded")
    first = {"merit": "first_class", "awarded_on": "2026-02-20", "document": "嘉奖令2"}
    higher = (await veterans.post(f"/conscripts/{cid}/merits", first, expect=201)).json()
    assert higher["supplement"]["amount_fen"] == 300_000
    second = {"merit": "second_class", "awarded_on": "2026-02-25", "document": "嘉奖令3"}
    assert (await veterans.post(f"/conscripts/{cid}/merits", second, expect=201)).json()["supplement"] is None
    paid = (await veterans.get(f"/conscripts/{cid}")).json()["allowances"]
    assert sum(p["amount_fen"] for p in paid) == 500_000 and {p["kind"] for p in paid} == {"merit_supplement"}


async def test_bad_input_is_refused_with_nothing_written_and_one_enlistment_per_person(
    veterans: Running,
) -> None:
    veterans.clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=CHINA))
    bad = [
        (conscript(21, resident_id="330727200603010010"), "resident_id"),
        (conscript(21, county="110101"), "county"),
        (conscript(21, enlisted_on="2026-03-02"), "enlisted_on"),
        (conscript(21, enlisted_on="1900-01-01"), "enlisted_on"),
        ({**conscript(21), "more": True}, "more"),
    ]
    for body, field in bad:
        response = await veterans.post("/conscripts", body)
        assert 400 <= response.status_code < 500 and field in response.text, (field, response.text)
    assert await veterans.fetchval("SELECT count(*) FROM veterans_conscripts") == 0
    person = conscript(22)["resident_id"]
    answers = await asyncio.gather(
        *(veterans.post("/conscripts", conscript(30 + n, resident_id=person)) for n in range(5))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]
    assert (await veterans.get("/conscripts")).json()["total"] == 1
    refused(
        await veterans.post(
            f"/conscripts/{uuid.UUID(int=99)}/end", {"reason": "discharged", "ended_on": "2026-01-01"}
        ),
        404,
        "conscript_not_found",
    )
    caseworker = veterans.as_caller("township-caseworker", division="330727101")
    assert (
        await veterans.post("/conscript-allowance-runs", {"period": "2026-03"}, headers=caseworker)
    ).status_code == 403


async def test_concurrent_merits_of_one_year_pay_the_highest_percentage_exactly(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=CHINA))
    cid = uuid.UUID(int=51)
    await veterans.post("/conscripts", conscript(51), expect=201)
    merits = [("third_class", "2026-01-10"), ("second_class", "2026-01-20"), ("first_class", "2026-02-01")]
    answers = await asyncio.gather(
        *(
            veterans.post(f"/conscripts/{cid}/merits", {"merit": m, "awarded_on": d, "document": f"令{m}"})
            for m, d in merits
        )
    )
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers]
    paid = (await veterans.get(f"/conscripts/{cid}")).json()["allowances"]
    assert sum(p["amount_fen"] for p in paid) == 500_000  # 50% of the year's 10,000 yuan, whatever the order


async def test_an_end_dated_back_before_a_paid_year_records_it_as_overpaid(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 9, 20, 9, 0, tzinfo=CHINA))
    cid = uuid.UUID(int=61)
    await veterans.post("/conscripts", conscript(61), expect=201)
    for period in ("2025-09", "2026-09"):
        await veterans.post("/conscript-allowance-runs", {"period": period}, expect=201)
    end = {"reason": "promoted_nco", "ended_on": "2026-09-01"}  # reported late: before year 2 began
    got = (await veterans.post(f"/conscripts/{cid}/end", end, expect=201)).json()
    assert got["overpaid_years"] == [2] and len(got["allowances"] or []) == 0
    assert [a["service_year"] for a in (await veterans.get(f"/conscripts/{cid}")).json()["allowances"]] == [
        1,
        2,
    ]
