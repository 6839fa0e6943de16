"""The allowance area's demo seed on the real stack: 300 elders of county 330727 over six
villages, ages spread from 75 to 104 (below the first band and in each band), the allowances in a
band started by the check; seeding again registers and starts nobody twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eldercare.adapters.allowance import AREA

if TYPE_CHECKING:
    from conftest import Running


async def test_the_demo_registers_three_hundred_elders_over_the_bands_once(eldercare: Running) -> None:
    assert AREA.seed_demo is not None
    ctx = eldercare.service.context()
    await AREA.seed_demo(ctx)
    page = (await eldercare.get("/elders", limit=1)).json()
    assert page["total"] == 300
    by_band = {
        band: (await eldercare.get("/elders", band=band, limit=1)).json()["total"] for band in (80, 90, 100)
    }
    assert all(n > 20 for n in by_band.values()), by_band
    pending = (await eldercare.get("/elders", status="pending", limit=1)).json()["total"]
    assert pending > 20 and pending + sum(by_band.values()) == 300
    villages = await eldercare.fetchval("SELECT count(DISTINCT residence) FROM allowance_elders")
    assert villages == 6
    events = await eldercare.fetchval("SELECT count(*) FROM events WHERE stream_type = 'elder'")
    await AREA.seed_demo(ctx)
    assert await eldercare.fetchval("SELECT count(*) FROM events WHERE stream_type = 'elder'") == events
