"""Other aid on the real stack: each grant's amount from its standard, paid once per its business
key (a repeat and concurrent repeats refused 409 with one payment written), bad input 4xx with
nothing written, lists filtered and paged, the totals."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running


def payee(seq: int = 1, **more: Any) -> dict[str, Any]:
    return {
        "resident_id": make_resident_id("330727", date(1952, 3, 4), seq).reveal(),
        "residence": "330727101201",
        "paid_on": "2026-02-10",
        **more,
    }


async def written(client: Any) -> int:
    return int(await client.fetchval("SELECT count(*) FROM events WHERE stream_type = 'aid-payment'"))


async def test_each_grant_is_paid_once_per_its_key(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 2, 10, 9, 0, tzinfo=CHINA))
    out = (await veterans.post("/aid/outpatient", payee(1), expect=201)).json()
    assert (out["kind"], out["reference"], out["amount_fen"]) == ("outpatient", "2026", 100_000)
    refused(await veterans.post("/aid/outpatient", payee(1, paid_on="2026-01-05")), 409, "already_paid")
    stay = {**payee(1), "stay": "ZY2026-1", "cost_fen": 860_000}
    assert (await veterans.post("/aid/inpatient", stay, expect=201)).json()["amount_fen"] == 430_000
    refused(await veterans.post("/aid/inpatient", stay), 409, "already_paid")
    await veterans.post("/aid/inpatient", {**stay, "stay": "ZY2026-2"}, expect=201)
    visit = {**payee(1), "festival": "spring_festival"}
    await veterans.post("/aid/holiday-visits", visit, expect=201)
    await veterans.post("/aid/holiday-visits", {**visit, "festival": "army_day"}, expect=201)
    hard = {**payee(1), "amount_fen": 50_000, "reason": "房屋受灾"}
    await veterans.post("/aid/hardship", hard, expect=201)
    assert await written(veterans) == 6
    # concurrent repeats of one key: exactly one payment
    answers = await asyncio.gather(*(veterans.post("/aid/outpatient", payee(2)) for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409, 409]
    assert await written(veterans) == 7
    totals = (await veterans.get("/aid/totals", year=2026)).json()["by_kind"]
    assert totals["outpatient"] == {"count": 2, "total_fen": 200_000}
    assert totals["inpatient"]["count"] == 2
    page = (await veterans.get("/aid/grants", kind="inpatient", limit=1)).json()
    assert page["total"] == 2 and len(page["items"]) == 1


async def test_bad_input_is_refused_with_nothing_written(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 2, 10, 9, 0, tzinfo=CHINA))
    cases = [
        ("/aid/outpatient", payee(3, paid_on="2026-02-11"), 422, "paid_on"),
        ("/aid/outpatient", payee(3, resident_id="330727195203040010"), 422, "resident_id"),
        ("/aid/outpatient", payee(3, residence="110101001001"), 422, "residence"),
        ("/aid/hardship", {**payee(3), "amount_fen": 200_001, "reason": "r"}, 422, "amount_fen"),
        ("/aid/hardship", {**payee(3), "amount_fen": 0, "reason": "r"}, 422, "amount_fen"),
        ("/aid/inpatient", {**payee(3), "stay": "../x", "cost_fen": 10}, 422, "stay"),
        ("/aid/inpatient", {**payee(3), "stay": "ZY-1", "cost_fen": 100_000_001}, 422, "cost_fen"),
        ("/aid/holiday-visits", {**payee(3), "festival": "new_year"}, 422, "festival"),
    ]
    for path, body, status, field in cases:
        response = await veterans.post(path, body)
        assert response.status_code == status and field in response.text, (path, field, response.text)
    assert await written(veterans) == 0
    caseworker = veterans.as_caller("township-caseworker", division="330727101")
    assert (await veterans.post("/aid/outpatient", payee(3), headers=caseworker)).status_code == 403
    auditor = veterans.as_caller("auditor")
    assert (await veterans.post("/aid/outpatient", payee(3), headers=auditor)).status_code == 403
    assert await written(veterans) == 0
