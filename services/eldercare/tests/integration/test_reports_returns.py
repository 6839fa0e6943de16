"""Statistical returns on the real stack: a matching return stored with no flags, a mismatching
one stored and flagged (not refused) naming the check, the catalogue's figures as the demo return,
a repeat 200, other figures under the same id 409, bad input a 422 naming the field with nothing
written, the list filtered by flag, and the importer's role."""

from __future__ import annotations

from typing import Any

from minzheng_eldercare.adapters.reports import demo

from .conftest import Running

MATCHING: dict[str, Any] = {
    "institutions": 13,
    "rectified": 7,
    "closed": 1,
    "in_progress": 5,
    "hazards": 81,
    "hazards_public": 51,
    "hazards_private": 30,
    "hazards_fixed": 53,
    "hazards_in_progress": 28,
    "subsidies_fen": 229_178_000,
    "construction_fen": 47_000_000,
    "operating_fen": 82_700_000,
    "meals_fen": 99_478_000,
}


def body(return_id: str, figures: dict[str, Any]) -> dict[str, Any]:
    return {"return_id": return_id, "as_of": "2023-12-31", "source": "年度报表", "figures": figures}


async def count(e: Running) -> int:
    return int(await e.fetchval("SELECT count(*) FROM events WHERE event_type = 'StatisticalReturnImported'"))


async def test_a_matching_return_has_no_flags_and_a_mismatching_one_is_flagged_not_refused(
    eldercare: Running,
) -> None:
    ok = (await eldercare.post("/reports/returns", body("r-ok", MATCHING), expect=201)).json()
    assert (ok["flags"], ok["mismatches"], ok["jurisdiction"]) == ([], [], "330727")
    wrong = MATCHING | {"hazards_in_progress": 27, "in_progress": 6, "meals_fen": 99_470_000}
    flagged = (await eldercare.post("/reports/returns", body("r-bad", wrong), expect=201)).json()
    assert flagged["flags"] == ["institutions_by_outcome", "hazards_by_status", "subsidies_by_type"]
    assert flagged["mismatches"] == [
        {"check": "institutions_by_outcome", "total": "institutions", "stated": 13, "parts_sum": 14},
        {"check": "hazards_by_status", "total": "hazards", "stated": 81, "parts_sum": 80},
        {
            "check": "subsidies_by_type",
            "total": "subsidies_fen",
            "stated": 229_178_000,
            "parts_sum": 229_170_000,
        },
    ]
    assert flagged["figures"]["hazards_in_progress"] == 27  # stored as stated
    partial = (await eldercare.post("/reports/returns", body("r-part", {"hazards": 81}), expect=201)).json()
    assert partial["flags"] == []  # a check runs only when its total and every part are stated

    assert (await eldercare.post("/reports/returns", body("r-bad", wrong), expect=200)).json() == flagged
    conflict = await eldercare.post("/reports/returns", body("r-bad", MATCHING))
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "return_exists"

    assert (await eldercare.get("/reports/returns/r-bad")).json() == flagged
    only_flagged = (await eldercare.get("/reports/returns", flagged="true")).json()
    assert (only_flagged["total"], [r["return_id"] for r in only_flagged["items"]]) == (1, ["r-bad"])
    assert (await eldercare.get("/reports/returns", flagged="false")).json()["total"] == 2
    missing = await eldercare.request("GET", "/reports/returns/nope")
    assert missing.status_code == 404
    assert await count(eldercare) == 3


async def test_bad_returns_are_422_naming_the_field_with_nothing_written(eldercare: Running) -> None:
    cases = [
        (body("r-1", MATCHING | {"beds": 3}), "figures.beds"),
        (body("r-1", MATCHING | {"hazards": -1}), "figures.hazards"),
        (body("r-1", MATCHING | {"hazards": "81"}), "figures.hazards"),
        (body("r-1", MATCHING | {"hazards": 10**12}), "figures.hazards"),
        (body("r 1", MATCHING), "return_id"),
        (body("r-1", MATCHING) | {"as_of": "1999-12-31"}, "as_of"),
        (body("r-1", MATCHING) | {"source": ""}, "source"),
        (body("r-1", MATCHING) | {"jurisdiction": "330728"}, "jurisdiction"),
        (body("r-1", MATCHING) | {"extra": 1}, "extra"),
    ]
    for payload, field in cases:
        r = await eldercare.post("/reports/returns", payload)
        assert r.status_code == 422, (field, r.text)
        assert r.json()["error"]["field"] == field, (field, r.text)
    assert await count(eldercare) == 0


async def test_only_the_county_approver_imports_and_officials_read(eldercare: Running) -> None:
    caseworker = eldercare.as_caller("township-caseworker", division="330727101")
    r = await eldercare.post("/reports/returns", body("r-1", MATCHING), headers=caseworker)
    assert r.status_code == 403
    assert (await eldercare.request("GET", "/reports/returns", headers=caseworker)).status_code == 200
    assert (await eldercare.request("GET", "/reports/beds", anonymous=True)).status_code == 401
    assert await count(eldercare) == 0


async def test_the_catalogue_figures_are_the_demo_return_seeded_once(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    await demo.seed_demo(ctx)
    await demo.seed_demo(ctx)
    seeded = (await eldercare.get(f"/reports/returns/{demo.RETURN_ID}")).json()
    assert seeded["figures"] == demo.FIGURES and seeded["flags"] == []
    assert await count(eldercare) == 1
