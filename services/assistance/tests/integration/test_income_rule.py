"""Veterans' 抚恤金, 补助金 and 优待金 are not household income (军人抚恤优待条例 2024 art. 4), through the
HTTP API on the real stack: declared by kind, they are recorded but never counted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

VETERAN = make_resident_id("330727", date(1958, 8, 1), 31).reveal()
SON = make_resident_id("330727", date(2008, 3, 3), 32).reveal()
OTHER = make_resident_id("330727", date(1958, 8, 2), 33).reveal()


def veterans_household(head: str, pension_kind: str, son: str | None = None) -> dict[str, Any]:
    """A head with 200 yuan wages and a 3 000 yuan pension a month; a son with 500 yuan 优待金."""
    members: list[dict[str, Any]] = [
        {
            "resident_id": head,
            "relationship": "self",
            "monthly_income_fen": 0,
            "employment": "unable_to_work",
            "income": [
                {"kind": "wages", "monthly_fen": 20_000},
                {"kind": pension_kind, "monthly_fen": 300_000},
            ],
        }
    ]
    if son:
        members.append(
            {
                "resident_id": son,
                "relationship": "child",
                "monthly_income_fen": 0,
                "employment": "student",
                "income": [{"kind": "veterans_preferential", "monthly_fen": 50_000}],
            }
        )
    return {"programme": "dibao_rural", "residence": "330727101201", "members": members}


async def reviewed_on_notice(a: Running, body: dict[str, Any]) -> str:
    hid = (await a.post("/households", body, expect=201)).json()["household_id"]
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    return str(hid)


async def test_veterans_pensions_and_preferential_payments_are_not_counted(assistance: Running) -> None:
    a = assistance
    counted = await reviewed_on_notice(a, veterans_household(OTHER, "transfer"))
    excluded = await reviewed_on_notice(a, veterans_household(VETERAN, "veterans_pension", SON))
    a.clock.advance(timedelta(days=7, minutes=1))
    # the same 3 000 yuan as an ordinary transfer income lifts the household above the standard
    refused = await a.post(f"/households/{counted}/approval", {}, 409, a.approver())
    assert refused.json()["error"]["code"] == "income_above_standard"
    approved = await a.post(f"/households/{excluded}/approval", {}, 200, a.approver())
    assert approved.json()["status"] == "active"
    # March: only the 200 yuan wages count, 100 yuan per head: (352 − 100) × 2 = 504 yuan
    march = (await a.post("/payment-runs", {"period": "2026-03"}, expect=201)).json()
    assert (march["paid"], march["total_fen"]) == (1, (35_200 - 10_000) * 2)

    # the annual recheck follows the same rule: a 补助金 of 4 000 yuan does not count, 300 yuan wages do
    income = [{"kind": "veterans_subsidy", "monthly_fen": 400_000}, {"kind": "wages", "monthly_fen": 30_000}]
    body = {"incomes": [{"resident_id": VETERAN, "monthly_income_fen": 0, "income": income}]}
    rechecked = await a.post(f"/households/{excluded}/recheck", body, expect=200)
    assert rechecked.json()["status"] == "active"
    a.clock.advance(timedelta(days=31))
    april = (await a.post("/payment-runs", {"period": "2026-04"}, expect=201)).json()
    assert april["total_fen"] == (39_600 - 15_000) * 2


async def test_an_unknown_income_kind_is_refused_and_nothing_is_written(assistance: Running) -> None:
    a = assistance
    bad = veterans_household(VETERAN, "veterans_pension", SON)
    bad["members"][1]["income"][0]["kind"] = "pension"
    r = await a.post("/households", bad, expect=422)
    assert r.json()["error"]["field"] == "members.1.income.0.kind" and SON not in r.text
    negative = veterans_household(VETERAN, "veterans_pension")
    negative["members"][0]["income"][1]["monthly_fen"] = -1
    r = await a.post("/households", negative, expect=422)
    assert r.json()["error"]["field"] == "members.0.income.1.monthly_fen"
    too_many = veterans_household(VETERAN, "wages")
    too_many["members"][0]["income"] = [{"kind": "wages", "monthly_fen": 1}] * 21
    r = await a.post("/households", too_many, expect=422)
    assert r.json()["error"]["field"] == "members.0.income"
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'household'") == 0
