"""Burial rules under load on the real stack: many registrars at once on one position and on
distinct positions, a cremation racing a burial of the body, concurrent waivers; and the
background scheduler (the area's ``BackgroundDef``) raising a use period's end by itself."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, running_service
from minzheng_kernel.calendar import CHINA
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.entrypoints.app import Registry

if TYPE_CHECKING:
    from conftest import Running

    from minzheng_eventstore.testing import ServiceClient

VILLAGE = "330727101201"
START = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)


def people(n: int, born: date = date(1939, 5, 6)) -> list[str]:
    return [make_resident_id("330727", born, 2 * k + 1).reveal() for k in range(n)]


async def died(registry: ServiceClient, person: str) -> str:
    body = {
        "deceased": person,
        "date_of_death": "2026-02-27",
        "place": VILLAGE,
        "residence": VILLAGE,
        "office": "330727",
    }
    return str((await registry.post("/deaths", body, expect=201)).json()["registration_id"])


async def cemetery(registry: ServiceClient, runs: list[dict[str, Any]]) -> str:
    body = {
        "name": "尖山镇公益性公墓",
        "kind": "public_interest",
        "location": "330727101",
        "villages": [VILLAGE],
        "document": "磐民〔2026〕12号",
    }
    cid = str((await registry.post("/cemeteries", body, expect=201)).json()["cemetery_id"])
    for run in runs:
        await registry.post(f"/cemeteries/{cid}/plots", run, expect=201)
    return cid


ASHES = {"section": "A", "first": 1, "count": 16, "plot_type": "ashes_single", "area_dm2": 80, "positions": 1}
BODY = {"section": "D", "first": 1, "count": 2, "plot_type": "body_single", "area_dm2": 300, "positions": 1}


async def test_sixteen_registrars_on_one_position_and_on_sixteen(registry: Running) -> None:
    cid = await cemetery(registry, [ASHES])
    deceased = people(16)
    await asyncio.gather(*(died(registry, p) for p in deceased))
    started = time.perf_counter()
    rivals = await asyncio.gather(
        *(
            registry.post(f"/cemeteries/{cid}/plots/A-001/assignment", {"position": 1, "deceased": p})
            for p in deceased
        )
    )
    one_position = time.perf_counter() - started
    assert sorted(r.status_code for r in rivals) == [201] + [409] * 15
    assert {r.json()["error"]["code"] for r in rivals if r.status_code == 409} == {"position_taken"}
    winner = next(deceased[n] for n, r in enumerate(rivals) if r.status_code == 201)
    others = [p for p in deceased if p != winner]
    started = time.perf_counter()
    spread = await asyncio.gather(
        *(
            registry.post(f"/cemeteries/{cid}/plots/A-{n + 2:03d}/assignment", {"position": 1, "deceased": p})
            for n, p in enumerate(others)
        )
    )
    distinct = time.perf_counter() - started
    assert [r.status_code for r in spread] == [201] * 15
    assert await registry.fetchval("SELECT count(*) FROM registry_burial_positions") == 16
    assert await registry.fetchval("SELECT count(DISTINCT person_token) FROM registry_burial_positions") == 16
    assert await registry.fetchval("SELECT count(*) FROM deadlines WHERE kind = 'plot-use'") == 16
    print(f"\n16 rivals on one position: {one_position * 1000:.0f} ms")
    print(f"15 assignments on distinct plots: {distinct * 1000:.0f} ms")


async def test_a_cremation_racing_a_burial_of_the_body_leaves_one(registry: Running) -> None:
    cid = await cemetery(registry, [BODY])
    for n, person in enumerate(people(2, date(1930, 1, 1))):
        registration = await died(registry, person)
        assignment = {"position": 1, "deceased": person}
        await registry.post(f"/cemeteries/{cid}/plots/D-{n + 1:03d}/assignment", assignment, expect=201)
        cremation = {"deceased": person, "cremated_on": "2026-02-28", "funeral_home": "磐安县殡仪馆"}
        burial = {"deceased": person, "buried_on": "2026-03-01"}
        responses = await asyncio.gather(
            registry.post("/funerals/cremations", cremation), registry.post("/funerals/burials", burial)
        )
        assert sorted(r.status_code for r in responses) == [201, 409]
        record = (await registry.get(f"/funerals/{registration}")).json()
        assert (record["cremated_on"] is None) != (record["buried"] is None)


async def test_concurrent_waivers_of_one_funeral_give_one(registry: Running) -> None:
    (person,) = people(1, date(1935, 2, 2))
    await died(registry, person)
    body = {"deceased": person, "services": ["cremation"], "assistance_certificate": "c-1"}
    responses = await asyncio.gather(*(registry.post("/funerals/waivers", body) for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert (
        await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'BasicFuneralFeesWaived'")
        == 1
    )


async def test_the_background_scheduler_raises_the_end_of_a_use_period(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(START)
    settings = ServiceSettings(
        "registry", fresh_database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer)
    )
    service = Registry(settings, clock=clock, scheduler=True, scheduler_interval=0.05)
    async with running_service(service, issuer=stack.issuer) as client:
        await load_national_standards(service.context())
        cid = await cemetery(client, [ASHES])
        (person,) = people(1, date(1933, 3, 3))
        await died(client, person)
        await client.post(
            f"/cemeteries/{cid}/plots/A-001/assignment", {"position": 1, "deceased": person}, expect=201
        )
        clock.set(datetime(2046, 3, 2, 0, 0, 1, tzinfo=CHINA))
        async with service.host.store.pool.acquire() as conn:
            for _ in range(200):
                if await conn.fetchval("SELECT count(*) FROM events WHERE event_type = 'PlotUseExpired'"):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # more rounds: raised once
            assert await conn.fetchval("SELECT count(*) FROM events WHERE event_type = 'PlotUseExpired'") == 1
