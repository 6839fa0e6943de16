"""The demo seeds of the conscripts, placement and aid areas reproduce the catalogue's figures
(F0 L165, L167), flag the trainees that do not reconcile instead of fixing them, and are
idempotent (a second seed writes nothing)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from minzheng_kernel.calendar import CHINA
from minzheng_veterans.adapters.aid import demo as aid_demo
from minzheng_veterans.adapters.conscripts import demo as conscript_demo
from minzheng_veterans.adapters.placement import demo as placement_demo

if TYPE_CHECKING:
    from conftest import Running


async def test_the_demo_gives_the_catalogues_figures(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=CHINA))
    ctx = veterans.service.context()
    for seed in (placement_demo.seed_demo, conscript_demo.seed_demo, aid_demo.seed_demo):
        await seed(ctx)
    figures = (await veterans.get("/soldiers/figures")).json()
    assert figures["received"] == 58
    assert figures["by_group"] == {"nco": 6, "urban": 9, "rural": 43}
    assert figures["trainees"] == {"driving": 50, "e_commerce": 18}
    assert figures["by_mode"] == {"arranged_work": 6, "self_employment": 52}
    assert [p.split(":")[0] for p in figures["problems"]] == ["trainees_exceed_received"]
    paid = await veterans.fetchval(
        "SELECT sum((data->>'amount_fen')::bigint) FROM events WHERE stream_type = 'conscript-payment'"
    )
    assert paid == 173_000_000  # 优待金 173万
    totals = (await veterans.get("/aid/totals")).json()["by_kind"]
    assert totals == {
        "outpatient": {"count": 298, "total_fen": 29_800_000},
        "inpatient": {"count": 51, "total_fen": 18_100_000},
        "hardship": {"count": 200, "total_fen": 9_700_000},
        "holiday_visit": {"count": 71, "total_fen": 9_230_000},
    }
    before = await veterans.fetchval("SELECT count(*) FROM events")
    for seed in (placement_demo.seed_demo, conscript_demo.seed_demo, aid_demo.seed_demo):
        await seed(ctx)
    assert await veterans.fetchval("SELECT count(*) FROM events") == before
