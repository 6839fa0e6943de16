"""Deaths on the real stack: the registry's ``DeathRegistered`` published to NATS as the registry
does discharges a living resident at death (destination ``death``, the bed freed, published as
``ResidentDischarged``) exactly once: the same message again, or a copy with a new event id,
changes nothing; a death of someone living in no institution writes nothing. And the leave's
deadline survives a restart: raised once, late, with its true time."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import DeathRegistered, DeathRegisteredData, make_resident_id
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.application.institutions.scheduler import raise_due
from minzheng_eventstore.clock import ManualClock
from minzheng_kernel.calendar import CHINA

from .conftest import START, start_eldercare

if TYPE_CHECKING:
    from conftest import Running

CONSUMER = "eldercare-residency-deaths-v1"
VILLAGE = "330727101201"
RESIDENT = make_resident_id("330727", date(1938, 4, 5), 31).reveal()
HOME = {
    "institution_id": "jly-330727101",
    "name": "城关镇中心敬老院",
    "kind": "nursing_home",
    "township": "330727101",
    "beds": 10,
    "model": "public",
    "registered_on": "2026-03-01",
}
ADMISSION = {
    "resident_id": RESIDENT,
    "agreement_number": "RZ-1",
    "agreement_date": "2026-03-01",
    "care_level": "full",
    "is_tekun": True,
    "admitted_on": "2026-03-02",
}


def death(e: Running, on: date, resident: str = RESIDENT) -> DeathRegistered:
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
    """Publish like the registry, then wait until this area's consumer has taken every one (other
    areas consume the registry's deaths too: the inbox is per consumer)."""
    for event in events:
        await nats.jetstream().publish(
            event.SUBJECT, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
        )
    ids = [ev.event_id for ev in events]
    for _ in range(400):
        taken = await e.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])", CONSUMER, ids
        )
        if taken == len(set(ids)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not take the messages")


async def written(e: Running) -> int:
    """This area's events (the allowance area reacts to a death on its own streams)."""
    return int(
        await e.fetchval(
            "SELECT count(*) FROM events WHERE stream_type = ANY($1::text[])",
            ["institution", "residency", "unregistered-home"],
        )
    )


async def test_a_death_discharges_the_resident_once(eldercare: Running, nats_admin: Any) -> None:
    await eldercare.post("/institutions", HOME, expect=201)
    rid = (await eldercare.post("/institutions/jly-330727101/admissions", ADMISSION, expect=201)).json()[
        "residency_id"
    ]
    await eldercare.post(
        f"/institutions/jly-330727101/residents/{rid}/leave",
        {"leave_from": "2026-03-02", "return_by": "2026-03-06", "reason": "住院"},
        expect=201,
    )
    eldercare.clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=CHINA))
    first = death(eldercare, date(2026, 3, 4))
    await publish(nats_admin, eldercare, first)

    stay = (await eldercare.get(f"/institutions/jly-330727101/residents/{rid}")).json()
    assert (stay["status"], stay["destination"], stay["discharged_on"]) == (
        "discharged",
        "death",
        "2026-03-04",
    )
    assert await eldercare.fetchval("SELECT occupied FROM institution_beds") == 0
    assert (
        await eldercare.fetchval("SELECT count(*) FROM events WHERE event_type = 'ResidentDischarged'") == 1
    )
    eldercare.clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=CHINA))
    assert await raise_due(eldercare.service.context()) == 0  # the leave's deadline was cancelled

    before = await written(eldercare)
    again = first.model_copy(update={"event_id": uuid.uuid4()})
    await publish(nats_admin, eldercare, first, again)
    assert await written(eldercare) == before

    await eldercare.relay_caught_up()
    published = await nats_admin.jetstream().get_last_msg("ELDERCARE", "eldercare.residency.discharged")
    assert b'"destination":"death"' in published.data and b'"is_tekun":true' in published.data


async def test_a_death_of_someone_in_no_institution_writes_nothing(
    eldercare: Running, nats_admin: Any
) -> None:
    await eldercare.post("/institutions", HOME, expect=201)
    before = await written(eldercare)
    stranger = make_resident_id("330727", date(1939, 1, 2), 44).reveal()
    await publish(nats_admin, eldercare, death(eldercare, date(2026, 3, 1), stranger))
    assert await written(eldercare) == before


async def test_a_leave_overdue_while_the_service_was_down_is_raised_once_after_the_restart(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(START)
    async with await start_eldercare(fresh_database, stack, clock) as client:
        await load_county_standards(client.service.context())
        await client.post("/institutions", HOME, expect=201)
        rid = (await client.post("/institutions/jly-330727101/admissions", ADMISSION, expect=201)).json()[
            "residency_id"
        ]
        await client.post(
            f"/institutions/jly-330727101/residents/{rid}/leave",
            {"leave_from": "2026-03-02", "return_by": "2026-03-04", "reason": "探亲"},
            expect=201,
        )
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))
    async with await start_eldercare(fresh_database, stack, clock) as client:
        ctx = client.service.context()
        assert await raise_due(ctx) == 1
        assert await raise_due(ctx) == 0
        stay = (await client.get(f"/institutions/jly-330727101/residents/{rid}")).json()
        assert stay["leave_overdue"] is True
        async with client.service.host.store.pool.acquire() as conn:
            at = await conn.fetch("SELECT occurred_at FROM events WHERE event_type = 'ResidentLeaveOverdue'")
        assert [r["occurred_at"] for r in at] == [datetime(2026, 3, 5, 0, 0, tzinfo=CHINA)]
