"""Standards and the calendar are data, set by the standards officer, read by every official."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running


async def test_national_standards_are_loaded_as_county_rows(registry: Running) -> None:
    rows = (await registry.get("/standards?parameter=marriage_age_male", expect=200)).json()
    assert [(r["effective_from"], r["value"]) for r in rows] == [("1950-05-01", 20), ("1981-01-01", 22)]
    assert rows[1]["standard_id"] == "marriage_age_male:330727:1981-01-01"


async def test_a_standard_is_never_edited_and_is_bounded(registry: Running) -> None:
    body = {
        "parameter": "plot_use_years",
        "jurisdiction": "330727",
        "effective_from": "1998-01-01",
        "value": 30,
    }
    refused(await registry.post("/standards", body), 409, "standard_exists")
    body = {**body, "effective_from": "2027-01-01", "value": 101}
    refused(await registry.post("/standards", body), 422, "standard_out_of_range", "value")
    # below the floor: a use period of 0 years would expire every plot the day it is assigned
    body = {**body, "value": 0}
    refused(await registry.post("/standards", body), 422, "standard_out_of_range", "value")
    area = {**body, "parameter": "plot_area_max_ashes"}
    refused(await registry.post("/standards", area), 422, "standard_out_of_range", "value")
    scope = {**body, "parameter": "funeral_fee_waiver_scope"}
    assert (await registry.post("/standards", scope, expect=201)).json()["value"] == 0
    caseworker = registry.as_caller("township-caseworker")
    refused(
        await registry.post("/standards", {**body, "value": 30}, headers=caseworker),
        403,
        "role_not_permitted",
    )


async def test_a_holiday_is_declared(registry: Running) -> None:
    body = {"jurisdiction": "330727", "day": "2027-02-08", "working": False, "note": "春节"}
    await registry.post("/calendar", body, expect=204)
    count = await registry.fetchval("SELECT count(*) FROM working_calendar WHERE day = '2027-02-08'")
    assert count == 1
