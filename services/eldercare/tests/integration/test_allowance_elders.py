"""Elders registered on the real stack: an application (the documented example), one elder per
person also under concurrency (409 naming the first), bad input refused with nothing written, an
imported roll with a report of rejected rows (IDs masked) and a re-import that adds nothing, the
list with its filters and paging, IDs shown by role."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eldercare.adapters.allowance.http import APPLICATION
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


def resident(n: int, born: date = date(1944, 3, 5)) -> str:
    return make_resident_id("330727", born, n).reveal()


async def written(e: Running) -> int:
    return int(await e.fetchval("SELECT count(*) FROM events WHERE stream_type = 'elder'"))


async def test_an_application_registers_an_elder_shown_by_role(eldercare: Running) -> None:
    body = (await eldercare.post("/elders", APPLICATION, expect=201)).json()
    assert body["status"] == "pending" and body["residence"] == VILLAGE and body["born"] == "1944-03-05"
    eid = body["elder_id"]
    approver = (await eldercare.get(f"/elders/{eid}", headers=eldercare.as_caller("county-approver"))).json()
    assert approver["resident_id"] == APPLICATION["resident_id"]
    caseworker = eldercare.as_caller("township-caseworker", division="330727101")
    masked = (await eldercare.get(f"/elders/{eid}", headers=caseworker)).json()
    assert masked["resident_id"] == "330727********0014"
    other_township = eldercare.as_caller("township-caseworker", division="330727102")
    refused(
        await eldercare.get(f"/elders/{eid}", expect=None, headers=other_township),
        403,
        "outside_jurisdiction",
    )
    refused(await eldercare.get(f"/elders/{'a' * 26}", expect=None), 404, "elder_not_found")


async def test_one_elder_per_person_also_at_once(eldercare: Running) -> None:
    first = (await eldercare.post("/elders", APPLICATION, expect=201)).json()["elder_id"]
    again = await eldercare.post("/elders", APPLICATION | {"residence": "330727102201"})
    refused(again, 409, "already_registered", "resident_id")
    assert first in again.json()["error"]["message"]
    body = APPLICATION | {"resident_id": resident(7)}
    answers = await asyncio.gather(*(eldercare.post("/elders", body) for _ in range(8)))
    assert sorted(r.status_code for r in answers) == [201] + [409] * 7
    assert await written(eldercare) == 2
    assert await eldercare.fetchval("SELECT count(*) FROM allowance_elders") == 2


async def test_bad_input_is_a_4xx_naming_the_field_with_nothing_written(eldercare: Running) -> None:
    cases: list[tuple[dict[str, Any], int, str, str | None]] = [
        (APPLICATION | {"resident_id": "330727194403050015"}, 422, "invalid_input", "resident_id"),
        (APPLICATION | {"residence": "330782101201"}, 422, "outside_county", "residence"),
        (APPLICATION | {"residence": "33x"}, 422, "invalid_input", "residence"),
        (APPLICATION | {"monthly_income_fen": -1}, 422, "invalid_input", "monthly_income_fen"),
        (APPLICATION | {"nickname": "x"}, 422, "invalid_input", "nickname"),
    ]
    for body, status, code, field in cases:
        refused(await eldercare.post("/elders", body), status, code, field)
    moves = {"residence": VILLAGE, "moved_on": "2026-03-01"}
    refused(await eldercare.post(f"/elders/{'a' * 26}/moves", moves), 404, "elder_not_found")
    refused(await eldercare.post("/elders/not-an-id/moves", moves), 422, "invalid_input", "elder_id")
    refused(await eldercare.post("/allowance-checks", {"on": "2026-04-01"}), 422, "check_in_future", "on")
    assert await written(eldercare) == 0


async def test_an_imported_roll_reports_rejected_rows_masked_and_a_reimport_adds_nothing(
    eldercare: Running,
) -> None:
    rows: list[dict[str, Any]] = [{"resident_id": resident(n), "residence": VILLAGE} for n in range(1, 4)]
    rows += [
        {"resident_id": resident(9)[:17] + "0", "residence": VILLAGE},  # checksum
        {"resident_id": resident(10), "residence": "330782101201"},  # outside the county
        {"resident_id": resident(11), "residence": VILLAGE, "dibao": "sometimes"},
        {"resident_id": resident(1), "residence": VILLAGE},  # twice in the roll
    ]
    report = (await eldercare.post("/elders/imports", {"rows": rows}, expect=201)).json()
    assert (report["registered"], report["already_registered"]) == (3, 1)
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [
        (3, "resident_id"),
        (4, "residence"),
        (5, "dibao"),
    ]
    assert report["rejected"][0]["resident_id"] is None
    assert report["rejected"][1]["resident_id"] == "330727********0102"
    assert resident(10) not in str(report)
    again = (await eldercare.post("/elders/imports", {"rows": rows[:3]}, expect=201)).json()
    assert (again["registered"], again["already_registered"]) == (0, 3)
    assert await written(eldercare) == 3
    refused(await eldercare.post("/elders/imports", {"rows": []}), 422, "invalid_input", "rows")
    big = {"rows": [{"resident_id": resident(1), "residence": VILLAGE}] * 5001}
    refused(await eldercare.post("/elders/imports", big), 422, "invalid_input", "rows")


async def test_the_list_filters_by_township_band_and_status_and_pages(eldercare: Running) -> None:
    rows = [
        {"resident_id": resident(n, date(1930 + n, 1, 1)), "residence": f"33072710{n % 2 + 1}201"}
        for n in range(1, 11)
    ]
    await eldercare.post("/elders/imports", {"rows": rows}, expect=201)
    await eldercare.post("/allowance-checks", {"on": "2026-03-02"}, expect=200)

    async def listed(**params: Any) -> dict[str, Any]:
        return dict((await eldercare.get("/elders", **params)).json())

    assert (await listed())["total"] == 10
    assert (await listed(residence="330727101"))["total"] == 5
    in_90s = await listed(band=90)  # born 1931–1936: 90 to 95 in 2026
    assert in_90s["total"] == 6 and {x["band"] for x in in_90s["items"]} == {"90-99"}
    assert (await listed(status="pending"))["total"] == 0  # born up to 1940: all 85 or more
    page = await listed(limit=3, offset=9)
    assert page["total"] == 10 and len(page["items"]) == 1
    caseworker = eldercare.as_caller("township-caseworker", division="330727102")
    assert (await eldercare.get("/elders", headers=caseworker)).json()["total"] == 5
    refused(await eldercare.get("/elders", expect=None, band=83), 422, "no_such_band", "band")
    refused(await eldercare.get("/elders", expect=None, limit=1000), 422, "invalid_input", "limit")
