"""The veterans standards and calendar on the real stack: the standards officer posts a standard of
any area, every official reads them (by parameter prefix, as of a day), the next grant uses it;
bad input, an unknown parameter, a clash and a caller without the role are refused with nothing
written."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running

OFFICER = "county-standards-officer"


def standard(parameter: str = "aid_holiday_spring_festival", **more: Any) -> dict[str, Any]:
    return {
        "parameter": parameter,
        "jurisdiction": "330727",
        "effective_from": "2026-01-01",
        "value": 150_000,
        **more,
    }


async def written(v: Running) -> tuple[int, int]:
    rows = await v.fetchval("SELECT count(*) FROM standards")
    events = await v.fetchval("SELECT count(*) FROM events WHERE event_type = 'StandardSet'")
    return int(rows), int(events)


async def test_a_standard_is_posted_read_back_and_used_by_the_next_grant(veterans: Running) -> None:
    officer = veterans.as_caller(OFFICER)
    before = await written(veterans)
    out = (await veterans.post("/standards", standard(), expect=201, headers=officer)).json()
    assert out["standard_id"] == "aid_holiday_spring_festival:330727:2026-01-01"
    assert await written(veterans) == (before[0] + 1, before[1] + 1)
    pension = standard("pension.disabled.war.2", value=7_000_000)
    assert (await veterans.post("/standards", pension, expect=201, headers=officer)).json()[
        "value"
    ] == 7_000_000

    rows = (await veterans.get("/standards?parameter=aid_holiday_spring", expect=200)).json()
    assert [(r["effective_from"], r["value"]) for r in rows] == [
        ("2018-01-01", 130_000),
        ("2026-01-01", 150_000),
    ]
    earlier = (
        await veterans.get("/standards?parameter=aid_holiday_spring&as_of=2025-12-31", expect=200)
    ).json()
    assert [(r["effective_from"], r["value"]) for r in earlier] == [("2018-01-01", 130_000)]
    now = (await veterans.get("/standards?parameter=aid_&as_of=2026-01-01", expect=200)).json()
    assert {r["parameter"] for r in now} == {
        "aid_outpatient_annual",
        "aid_inpatient_rate_pct",
        "aid_inpatient_cap",
        "aid_holiday_spring_festival",
        "aid_holiday_army_day",
        "aid_hardship_max",
    }
    assert [r["value"] for r in now if r["parameter"] == "aid_holiday_spring_festival"] == [150_000]
    income = standard("death.urban_income", effective_from="2026-01-01", value=5_600_000)
    await veterans.post("/standards", income, expect=201, headers=officer)
    auditor = veterans.as_caller("auditor")
    assert len((await veterans.get("/standards?parameter=pension.", expect=200, headers=auditor)).json()) == 1

    veterans.clock.set(datetime(2026, 2, 10, 9, 0, tzinfo=CHINA))
    visit = {
        "resident_id": make_resident_id("330727", date(1952, 3, 4), 1).reveal(),
        "residence": "330727101201",
        "paid_on": "2026-02-10",
        "festival": "spring_festival",
    }
    paid = (await veterans.post("/aid/holiday-visits", visit, expect=201)).json()
    assert paid["amount_fen"] == 150_000


async def test_refusals_write_nothing(veterans: Running) -> None:
    officer = veterans.as_caller(OFFICER)
    before = await written(veterans)
    cases = [
        (standard("aid_unknown"), 422, "unknown_parameter", "parameter"),
        (standard("Pension; DROP"), 422, "invalid_input", "parameter"),
        (standard("aid_inpatient_rate_pct", value=101), 422, "standard_out_of_range", "value"),
        (standard("placement_report_days", value=0), 422, "standard_out_of_range", "value"),
        (standard("pension.stacking", value=2), 422, "standard_out_of_range", "value"),
        (standard(value=-1), 422, "invalid_input", "value"),
        (standard(value=10**10 + 1), 422, "invalid_input", "value"),
        (standard(jurisdiction="33072"), 422, "invalid_input", "jurisdiction"),
        (standard(jurisdiction="110101"), 422, "outside_county", "jurisdiction"),
        (standard(effective_from="1900-01-01"), 422, "invalid_input", "effective_from"),
        (standard(extra=1), 422, "invalid_input", "extra"),
        # the demo row exists with another value: never edited
        (
            standard("aid_outpatient_annual", effective_from="2018-01-01", value=1),
            409,
            "standard_exists",
            None,
        ),
    ]
    for body, status, code, field in cases:
        response = await veterans.post("/standards", body, headers=officer)
        assert response.status_code == status, (body, response.text)
        error = response.json()["error"]
        assert error["code"] == code, (body, error)
        if field is not None:
            assert field in (error["field"] or ""), (body, error)
    refused(
        await veterans.request("POST", "/standards", json=standard(), anonymous=True), 401, "unauthenticated"
    )
    refused(await veterans.request("GET", "/standards", anonymous=True), 401, "unauthenticated")
    caseworker = veterans.as_caller("township-caseworker", division="330727101")
    refused(await veterans.post("/standards", standard(), headers=caseworker), 403, "role_not_permitted")
    approver = veterans.as_caller("county-approver")
    refused(await veterans.post("/standards", standard(), headers=approver), 403, "role_not_permitted")
    holiday = {"jurisdiction": "330727", "day": "2026-10-01", "working": False, "note": "国庆节"}
    refused(await veterans.post("/calendar", holiday, headers=approver), 403, "role_not_permitted")
    bad_day = await veterans.get("/standards?as_of=2026-13-01", expect=None)
    assert bad_day.status_code == 422 and "as_of" in bad_day.json()["error"]["field"]
    assert await written(veterans) == before


async def test_a_holiday_is_declared(veterans: Running) -> None:
    officer = veterans.as_caller(OFFICER)
    body = {"jurisdiction": "330727", "day": "2026-10-01", "working": False, "note": "国庆节"}
    await veterans.post("/calendar", body, expect=204, headers=officer)
    count = await veterans.fetchval(
        "SELECT count(*) FROM working_calendar WHERE day = '2026-10-01' AND NOT working"
    )
    assert count == 1
    events = await veterans.fetchval("SELECT count(*) FROM events WHERE event_type = 'CalendarDaySet'")
    assert events == 1
    refused(
        await veterans.post("/calendar", {**body, "day": "2026-02-30"}, headers=officer),
        422,
        "invalid_input",
        "day",
    )
