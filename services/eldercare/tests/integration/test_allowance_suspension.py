"""Suspension and resumption on the real stack: moving out of the county holds the allowance from
the next month and moving back releases it; a proof of life missed for
``allowance.proof_of_life_months`` holds it (the daily check), a proof recorded releases it from
the next month; a move within the county changes the residence only; refusals write nothing."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
AWAY = "330782101201"


def at(e: Running, year: int, month: int, day: int) -> None:
    e.clock.set(datetime(year, month, day, 0, 0, 5, tzinfo=CHINA))


async def started(e: Running, n: int = 1) -> str:
    body = {"resident_id": make_resident_id("330727", date(1940, 1, 1), n).reveal(), "residence": VILLAGE}
    eid = str((await e.post("/elders", body, expect=201)).json()["elder_id"])
    await e.post("/allowance-checks", {"on": "2026-03-02"}, expect=200)
    return eid


async def switches(e: Running) -> list[tuple[str, str, str]]:
    async with e.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT event_type, data FROM events "
            "WHERE event_type IN ('AllowanceSuspended', 'AllowanceResumed') ORDER BY position"
        )
    out = []
    for r in rows:
        data: dict[str, Any] = json.loads(r["data"]) if isinstance(r["data"], str) else dict(r["data"])
        out.append((r["event_type"], data.get("reason", ""), data["from_period"]))
    return out


async def test_moving_away_holds_it_from_the_next_month_and_back_releases_it(eldercare: Running) -> None:
    eid = await started(eldercare)
    at(eldercare, 2026, 3, 20)
    away = (
        await eldercare.post(
            f"/elders/{eid}/moves", {"residence": AWAY, "moved_on": "2026-03-18"}, expect=201
        )
    ).json()
    assert (away["status"], away["held"], away["held_from"], away["home"]) == (
        "suspended",
        ["moved_away"],
        "2026-04",
        VILLAGE,
    )
    at(eldercare, 2026, 4, 1)
    assert (await eldercare.post("/allowance-checks", {"on": "2026-04-01"}, expect=200)).json()[
        "resumed"
    ] == 0
    at(eldercare, 2026, 6, 10)
    back = (
        await eldercare.post(
            f"/elders/{eid}/moves", {"residence": "330727102201", "moved_on": "2026-06-09"}, expect=201
        )
    ).json()
    assert (back["status"], back["held"], back["home"]) == ("active", [], "330727102201")
    assert await switches(eldercare) == [
        ("AllowanceSuspended", "moved_away", "2026-04"),
        ("AllowanceResumed", "", "2026-07"),
    ]
    within = (
        await eldercare.post(
            f"/elders/{eid}/moves", {"residence": VILLAGE, "moved_on": "2026-06-10"}, expect=201
        )
    ).json()
    assert within["status"] == "active" and len(await switches(eldercare)) == 2


async def test_a_missed_proof_of_life_suspends_and_a_proof_resumes(eldercare: Running) -> None:
    eid = await started(eldercare)
    other = await started(eldercare, 2)
    at(eldercare, 2026, 12, 1)
    await eldercare.post(f"/elders/{other}/proof-of-life", {"on": "2026-11-30"}, expect=201)
    at(eldercare, 2027, 3, 1)
    assert (await eldercare.post("/allowance-checks", {"on": "2027-03-01"}, expect=200)).json()[
        "suspended"
    ] == 0
    at(eldercare, 2027, 3, 2)
    report = (await eldercare.post("/allowance-checks", {"on": "2027-03-02"}, expect=200)).json()
    assert (report["proof_lapsed"], report["suspended"]) == (1, 1)
    state = (await eldercare.get(f"/elders/{eid}")).json()
    assert (state["status"], state["held"], state["held_from"]) == (
        "suspended",
        ["proof_of_life_missed"],
        "2027-04",
    )
    assert (await eldercare.get(f"/elders/{other}")).json()["status"] == "active"
    assert (await eldercare.post("/allowance-checks", {"on": "2027-03-02"}, expect=200)).json()[
        "proof_lapsed"
    ] == 0
    at(eldercare, 2027, 4, 12)
    resumed = (await eldercare.post(f"/elders/{eid}/proof-of-life", {"on": "2027-04-12"}, expect=201)).json()
    assert (resumed["status"], resumed["last_proof"]) == ("active", "2027-04-12")
    assert await switches(eldercare) == [
        ("AllowanceSuspended", "proof_of_life_missed", "2027-04"),
        ("AllowanceResumed", "", "2027-05"),
    ]


async def test_refusals_write_nothing(eldercare: Running) -> None:
    eid = await started(eldercare)
    before = await eldercare.fetchval("SELECT count(*) FROM events")
    path = f"/elders/{eid}"
    refused(
        await eldercare.post(f"{path}/moves", {"residence": VILLAGE, "moved_on": "2026-03-01"}),
        422,
        "same_residence",
        "residence",
    )
    refused(
        await eldercare.post(f"{path}/moves", {"residence": AWAY, "moved_on": "2026-03-09"}),
        422,
        "moved_in_future",
        "moved_on",
    )
    refused(
        await eldercare.post(f"{path}/moves", {"residence": AWAY, "moved_on": "2026-02-01"}),
        422,
        "moved_before_registration",
        "moved_on",
    )
    refused(await eldercare.post(f"{path}/proof-of-life", {"on": "2026-03-09"}), 422, "proof_in_future", "on")
    refused(
        await eldercare.post(f"{path}/proof-of-life", {"on": "2026-03-01"}), 422, "proof_out_of_order", "on"
    )
    refused(
        await eldercare.post(f"{path}/proof-of-life", {"on": "2026-03-02", "by": "x"}),
        422,
        "invalid_input",
        "by",
    )
    other = eldercare.as_caller("township-caseworker", division="330727102")
    refused(
        await eldercare.post(f"{path}/proof-of-life", {"on": "2026-03-02"}, headers=other),
        403,
        "outside_jurisdiction",
    )
    auditor = eldercare.as_caller("auditor")
    refused(
        await eldercare.post(f"{path}/proof-of-life", {"on": "2026-03-02"}, headers=auditor),
        403,
        "role_not_permitted",
    )
    assert await eldercare.fetchval("SELECT count(*) FROM events") == before
