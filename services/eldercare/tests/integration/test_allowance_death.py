"""The end at death on the real stack: the registry's ``DeathRegistered`` published to NATS as the
registry does, taken by the durable ``eldercare-deaths-v1``. A started allowance ends with the
month of death as its last period (``AllowanceEnded`` reason ``death``, published as the contract);
the same message again and a copy with a new event id change nothing; an elder not started is
marked dead and never starts; a death of someone not registered is acknowledged and ignored."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import DeathRegistered, DeathRegisteredData, make_resident_id
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


def at(e: Running, year: int, month: int, day: int) -> None:
    e.clock.set(datetime(year, month, day, 8, 0, tzinfo=CHINA))


def death(e: Running, resident: str, on: date) -> DeathRegistered:
    return DeathRegistered.new(
        data=DeathRegisteredData(
            registration_id=uuid.uuid4(),
            deceased=resident,
            date_of_death=on,
            place=VILLAGE,
            registered_at=e.clock.now(),
        ),
        producer="registry",
        jurisdiction=VILLAGE,
    )


async def publish(nats: Any, e: Running, *events: DeathRegistered) -> None:
    """Publish like the registry, then wait until the service's inbox has taken every one."""
    for event in events:
        await nats.jetstream().publish(
            event.SUBJECT, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
        )
    ids = [x.event_id for x in events]
    for _ in range(400):
        taken = await e.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = 'eldercare-deaths-v1' "
            "AND event_id = ANY($1::uuid[])",
            ids,
        )
        if taken == len(set(ids)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not take the messages")


async def register(e: Running, resident: str) -> str:
    body = {"resident_id": resident, "residence": VILLAGE}
    return str((await e.post("/elders", body, expect=201)).json()["elder_id"])


async def written(e: Running) -> int:
    return int(await e.fetchval("SELECT count(*) FROM events"))


async def test_a_death_ends_the_allowance_with_its_month_once(eldercare: Running, nats_admin: Any) -> None:
    resident = make_resident_id("330727", date(1940, 1, 1), 1).reveal()
    eid = await register(eldercare, resident)
    await eldercare.post("/allowance-checks", {"on": "2026-03-02"}, expect=200)
    at(eldercare, 2026, 5, 6)
    first = death(eldercare, resident, date(2026, 5, 2))
    await publish(nats_admin, eldercare, first)
    state = (await eldercare.get(f"/elders/{eid}")).json()
    assert (state["status"], state["last_period"], state["died_on"]) == ("ended", "2026-05", "2026-05-02")
    async with eldercare.service.host.store.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT data, causation_id FROM events WHERE event_type = 'AllowanceEnded'")
    data = json.loads(row["data"]) if isinstance(row["data"], str) else dict(row["data"])
    assert data == {
        "allowance_id": eid,
        "elder_id": eid,
        "person": resident,
        "residence": VILLAGE,
        "reason": "death",
        "last_period": "2026-05",
        "died_on": "2026-05-02",
    }
    assert row["causation_id"] == first.event_id
    count = await written(eldercare)
    copy = first.model_copy(update={"event_id": uuid.uuid4()})
    await publish(nats_admin, eldercare, first, copy, death(eldercare, resident, date(2026, 5, 2)))
    assert await written(eldercare) == count
    await eldercare.relay_caught_up()
    assert await eldercare.fetchval("SELECT count(*) FROM outbox_parked") == 0


async def test_an_elder_not_started_is_marked_dead_and_never_starts(
    eldercare: Running, nats_admin: Any
) -> None:
    resident = make_resident_id("330727", date(1946, 6, 1), 2).reveal()
    eid = await register(eldercare, resident)
    at(eldercare, 2026, 5, 6)
    await publish(nats_admin, eldercare, death(eldercare, resident, date(2026, 5, 2)))
    assert (await eldercare.get(f"/elders/{eid}")).json()["status"] == "deceased"
    at(eldercare, 2026, 6, 1)
    report = (await eldercare.post("/allowance-checks", {"on": "2026-06-01"}, expect=200)).json()
    assert report["started"] == 0
    assert await eldercare.fetchval("SELECT count(*) FROM events WHERE event_type = 'AllowanceStarted'") == 0
    refused = await eldercare.post(f"/elders/{eid}/proof-of-life", {"on": "2026-06-01"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "elder_deceased"


async def test_a_death_of_someone_not_registered_is_acknowledged_and_ignored(
    eldercare: Running, nats_admin: Any
) -> None:
    await register(eldercare, make_resident_id("330727", date(1940, 1, 1), 1).reveal())
    count = await written(eldercare)
    stranger = make_resident_id("330727", date(1939, 7, 8), 33).reveal()
    await publish(nats_admin, eldercare, death(eldercare, stranger, date(2026, 3, 1)))
    assert await written(eldercare) == count
    assert await eldercare.fetchval("SELECT count(*) FROM dead_letters") == 0
