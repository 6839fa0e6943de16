"""The daily start and band check on the real stack, driven by the injected clock: the start in
the birthday month across a month boundary, the band change at 90, a second check of the day
changing nothing, the next-month start rule, the 2025 raise of 80–89 (no event: the run reads
the amount), dibao-only and income-test townships, and the scheduler's one check a day."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eldercare.application.allowance import rows
from minzheng_eldercare.application.allowance.check import check_today
from minzheng_eldercare.application.configuration import PARAMETERS
from minzheng_eldercare.domain.allowance.parameters import Eligibility, StartRule
from minzheng_eventstore import Actor
from minzheng_eventstore.standards import set_standard
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


def at(e: Running, year: int, month: int, day: int, hour: int = 9) -> None:
    e.clock.set(datetime(year, month, day, hour, 0, 5, tzinfo=CHINA))


async def register(e: Running, born: date, n: int, residence: str = VILLAGE, **extra: Any) -> str:
    body = {"resident_id": make_resident_id("330727", born, n).reveal(), "residence": residence, **extra}
    return str((await e.post("/elders", body, expect=201)).json()["elder_id"])


async def check(e: Running, on: str) -> dict[str, Any]:
    return dict((await e.post("/allowance-checks", {"on": on}, expect=200)).json())


async def elder(e: Running, eid: str) -> dict[str, Any]:
    return dict((await e.get(f"/elders/{eid}")).json())


async def events(e: Running, event_type: str) -> list[dict[str, Any]]:
    async with e.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch("SELECT data FROM events WHERE event_type = $1 ORDER BY position", event_type)
    return [json.loads(r["data"]) if isinstance(r["data"], str) else dict(r["data"]) for r in rows]


async def standard(e: Running, parameter: str, jurisdiction: str, on: str, value: int) -> None:
    await set_standard(
        e.service.context(),
        Actor("standards-officer"),
        parameter=PARAMETERS[parameter],
        jurisdiction=jurisdiction,
        effective_from=date.fromisoformat(on),
        value=value,
    )


async def test_the_start_in_the_birthday_month_and_the_band_change_at_ninety(eldercare: Running) -> None:
    turning_80 = await register(eldercare, date(1946, 4, 15), 1)
    turning_90 = await register(eldercare, date(1936, 5, 10), 2)
    at(eldercare, 2026, 3, 31)
    march = await check(eldercare, "2026-03-31")
    assert (march["started"], march["band_changed"]) == (1, 0)
    assert (await elder(eldercare, turning_80))["status"] == "pending"
    assert (await elder(eldercare, turning_90))["band"] == "80-89"

    at(eldercare, 2026, 4, 1, hour=0)
    april = await check(eldercare, "2026-04-01")
    assert april["started"] == 1 and not april["full_pass"]
    started = (await events(eldercare, "AllowanceStarted"))[-1]
    assert started == {
        "allowance_id": turning_80,
        "elder_id": turning_80,
        "person": make_resident_id("330727", date(1946, 4, 15), 1).reveal(),
        "residence": VILLAGE,
        "band": "80-89",
        "band_lower": 80,
        "starts": "2026-04",
        "monthly_fen": 12_000,
        "standard_id": "allowance.band.80:330727:2025-01-01",
    }
    again = await check(eldercare, "2026-04-01")
    assert (again["started"], again["band_changed"], again["decided"]) == (0, 0, 0)

    at(eldercare, 2026, 5, 1, hour=0)
    may = await check(eldercare, "2026-05-01")
    assert (may["started"], may["band_changed"]) == (0, 1)
    changed = await events(eldercare, "AllowanceBandChanged")
    assert [
        (c["elder_id"], c["band_before"], c["band"], c["from_period"], c["monthly_fen"]) for c in changed
    ] == [(turning_90, "80-89", "90-99", "2026-05", 20_000)]
    assert (await check(eldercare, "2026-05-01"))["band_changed"] == 0
    assert len(await events(eldercare, "AllowanceStarted")) == 2


async def test_the_next_month_rule_starts_the_month_after_the_birthday(eldercare: Running) -> None:
    await standard(eldercare, "allowance.start_rule", "330727", "2026-04-01", StartRule.NEXT_MONTH)
    eid = await register(eldercare, date(1946, 4, 15), 1)
    at(eldercare, 2026, 4, 20)
    assert (await check(eldercare, "2026-04-20"))["started"] == 0
    at(eldercare, 2026, 5, 1, hour=0)
    assert (await check(eldercare, "2026-05-01"))["started"] == 1
    assert (await elder(eldercare, eid))["starts"] == "2026-05"


async def test_the_2025_raise_of_80_to_89_is_no_band_change(eldercare: Running) -> None:
    at(eldercare, 2024, 12, 2)
    eid = await register(eldercare, date(1940, 6, 1), 1)
    assert (await check(eldercare, "2024-12-02"))["started"] == 1
    at(eldercare, 2025, 1, 1, hour=0)
    january = await check(eldercare, "2025-01-01")
    assert january["full_pass"] and january["band_changed"] == 0
    assert await events(eldercare, "AllowanceBandChanged") == []
    assert (await elder(eldercare, eid))["band"] == "80-89"
    (started,) = await events(eldercare, "AllowanceStarted")
    assert (started["monthly_fen"], started["standard_id"]) == (10_000, "allowance.band.80:330727:2024-01-01")


async def test_a_dibao_only_township_and_an_income_test_township(eldercare: Running) -> None:
    born = date(1940, 1, 1)
    dibao = await register(eldercare, born, 1, "330727102201", dibao=True)
    not_dibao = await register(eldercare, born, 2, "330727102201")
    elsewhere = await register(eldercare, born, 3)
    poor = await register(eldercare, born, 4, "330727103201", monthly_income_fen=50_000)
    rich = await register(eldercare, born, 5, "330727103201", monthly_income_fen=300_000)
    assert (await check(eldercare, "2026-03-02"))["started"] == 5
    await standard(eldercare, "allowance.eligibility", "330727102", "2026-04-01", Eligibility.DIBAO_ONLY)
    await standard(eldercare, "allowance.eligibility", "330727103", "2026-04-01", Eligibility.INCOME_TEST)
    await standard(eldercare, "allowance.income_ceiling", "330727103", "2026-04-01", 100_000)
    at(eldercare, 2026, 4, 1, hour=0)
    april = await check(eldercare, "2026-04-01")
    assert april["full_pass"] and (april["suspended"], april["eligibility_changed"]) == (2, 2)
    status = {
        eid: (await elder(eldercare, eid))["status"] for eid in (dibao, not_dibao, elsewhere, poor, rich)
    }
    assert status == {
        dibao: "active",
        not_dibao: "suspended",
        elsewhere: "active",
        poor: "active",
        rich: "suspended",
    }
    suspended = await events(eldercare, "AllowanceSuspended")
    assert {(s["elder_id"], s["reason"], s["from_period"]) for s in suspended} == {
        (not_dibao, "ineligible", "2026-04"),
        (rich, "ineligible", "2026-04"),
    }
    late = await register(eldercare, born, 6, "330727102201")
    assert (await check(eldercare, "2026-04-01"))["started"] == 0
    assert (await elder(eldercare, late))["status"] == "pending"


async def test_the_scheduler_checks_each_day_once(eldercare: Running) -> None:
    await register(eldercare, date(1946, 4, 15), 1)
    at(eldercare, 2026, 3, 31, hour=23)
    ctx = eldercare.service.context()
    first = await check_today(ctx)
    assert first is not None and first.started == 0
    assert await check_today(ctx) is None
    at(eldercare, 2026, 4, 1, hour=0)
    april = await check_today(ctx)
    assert april is not None and (april.on, april.started) == (date(2026, 4, 1), 1)
    assert await check_today(ctx) is None
    assert await eldercare.fetchval("SELECT count(*) FROM allowance_check_days") == 2


async def test_the_check_racing_moves_leaves_every_row_as_its_stream(eldercare: Running) -> None:
    born = date(1940, 1, 1)
    ids = [await register(eldercare, born, n) for n in range(1, 31)]
    moves = [
        eldercare.post(f"/elders/{eid}/moves", {"residence": "330782101201", "moved_on": "2026-03-02"})
        for eid in ids[::2]
    ]
    answers = await asyncio.gather(check(eldercare, "2026-03-02"), *moves)
    assert all(a.status_code == 201 for a in answers[1:])
    for eid in ids:
        state = await elder(eldercare, eid)
        row = await eldercare.fetchval("SELECT status FROM allowance_elders WHERE elder_id = $1", eid)
        assert row == state["status"], eid
        assert state["status"] == (
            "active" if ids.index(eid) % 2 else ("suspended" if state["starts"] else "pending")
        )
    again = await check(eldercare, "2026-03-02")
    assert (again["started"], again["suspended"]) == (0, 0)


async def test_a_row_saved_since_the_check_selected_it_is_not_moved_on(eldercare: Running) -> None:
    eid = await register(eldercare, date(1946, 4, 15), 1)
    selected = await eldercare.fetchval("SELECT revision FROM allowance_elders WHERE elder_id = $1", eid)
    await eldercare.post(f"/elders/{eid}/proof-of-life", {"on": "2026-03-02"}, expect=201)
    async with eldercare.service.host.store.pool.acquire() as conn:
        await rows.reschedule(conn, [(eid, selected, "2031-04")])
    assert (
        await eldercare.fetchval("SELECT next_due FROM allowance_elders WHERE elder_id = $1", eid)
        == "2026-03"
    )
