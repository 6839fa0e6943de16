"""Payments only for months that have begun (plus the county's lead time), and for a household not
before its approval: anything else is a 422 naming ``period``, and nothing is paid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from minzheng_assistance.domain.periods import county_today
from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


async def approved(a: Running) -> str:
    head = make_resident_id("330727", date(1958, 8, 8), 808).reveal()
    member = {
        "resident_id": head,
        "relationship": "self",
        "monthly_income_fen": 0,
        "employment": "unemployed",
    }
    body = {"programme": "dibao_rural", "residence": VILLAGE, "members": [member]}
    hid = (await a.post("/households", body, expect=201)).json()["household_id"]
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    a.clock.advance(timedelta(days=8))
    await a.post(f"/households/{hid}/approval", {}, 200, a.approver())  # effective 2026-03
    return str(hid)


async def payments(a: Running) -> int:
    return await a.count("SELECT count(*) FROM events WHERE event_type = 'PaymentIssued'")


async def test_a_run_for_a_month_not_begun_is_refused(assistance: Running) -> None:
    a = assistance
    await approved(a)
    for period in ("9999-12", "2026-04", "2027-03"):
        r = await a.post("/payment-runs", {"period": period}, expect=422)
        assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("period_in_future", "period")
    assert await payments(a) == 0
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'payment_run'") == 0
    await a.post("/payment-runs", {"period": "2026-03"}, expect=201)
    assert await payments(a) == 1


async def test_the_lead_time_is_a_standard(assistance: Running) -> None:
    a = assistance
    await approved(a)
    # from today (a standard cannot take effect in the past): the lead applies to this month's runs
    today = county_today(a.clock.now()).isoformat()
    lead = {"parameter": "payment_lead_months", "jurisdiction": "330727", "effective_from": today}
    too_long = await a.post("/standards", {**lead, "value": 13}, expect=422)
    assert too_long.json()["error"]["code"] == "standard_out_of_range"
    await a.post("/standards", {**lead, "value": 1}, expect=201)
    await a.post("/payment-runs", {"period": "2026-04"}, expect=201)
    r = await a.post("/payment-runs", {"period": "2026-05"}, expect=422)
    assert r.json()["error"]["field"] == "period"
    assert await payments(a) == 1


async def test_one_household_is_paid_from_its_approval_to_the_current_month(assistance: Running) -> None:
    a = assistance
    hid = await approved(a)
    for period, code in (("2026-02", "period_before_approval"), ("2026-04", "period_in_future")):
        r = await a.post(f"/households/{hid}/payments", {"period": period}, expect=422)
        assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (code, "period")
    r = await a.post(f"/households/{hid}/payments", {"period": "9999-12"}, expect=422)
    assert r.json()["error"]["code"] == "period_in_future"
    assert await payments(a) == 0
    paid = await a.post(f"/households/{hid}/payments", {"period": "2026-03"}, expect=201)
    assert paid.json()["already_paid"] is False
    a.clock.advance(timedelta(days=30))  # April has begun
    await a.post(f"/households/{hid}/payments", {"period": "2026-04"}, expect=201)
    assert await payments(a) == 2


async def test_the_current_month_is_the_county_s(assistance: Running) -> None:
    a = assistance
    await approved(a)
    a.clock.set(datetime(2026, 3, 31, 15, 30, tzinfo=UTC))  # 23:30 in the county: still March
    await a.post("/payment-runs", {"period": "2026-04"}, expect=422)
    a.clock.set(datetime(2026, 3, 31, 16, 30, tzinfo=UTC))  # 00:30 on 1 April in the county
    await a.post("/payment-runs", {"period": "2026-04"}, expect=201)
