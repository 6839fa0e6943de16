"""The publication deadline of an approved name (公布期限) is durable: approved in one process,
that process stopped, a new one on the same database raises PlaceNamePublicationOverdue once at
00:00 +08:00 after the last day (with its true time); a name published in time is never raised."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.application.places.scheduler import raise_due
from minzheng_registry.entrypoints.app import Registry

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def start_registry(database: str, stack: Any, clock: ManualClock) -> Any:
    """A registry process on ``database`` (started again on the same one for the restart)."""
    settings = ServiceSettings(
        "registry", database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer)
    )
    return running_service(Registry(settings, clock=clock, scheduler=False), issuer=stack.issuer)


async def approved(client: ServiceClient, name: str) -> str:
    body = {"kind": "road", "name": name, "division": "330727101", "effective_from": "2026-03-02"}
    pid = (await client.post("/places", body, expect=201)).json()["place_id"]
    await client.post(f"/places/{pid}/review", {"passed": True}, expect=200)
    approval = await client.post(f"/places/{pid}/approval", {"document": "批复"}, expect=200)
    assert approval.json()["publish_by"] == "2026-03-17"  # day 15 after 2026-03-02, a Tuesday
    return str(pid)


async def overdue(client: ServiceClient, pid: str) -> list[Any]:
    events = await client.service.host.store.read_stream(f"place-{pid}")
    return [e for e in events if e.event_type == "PlaceNamePublicationOverdue"]


async def test_an_unpublished_name_is_overdue_once_across_a_restart(fresh_database: str, stack: Any) -> None:
    clock = ManualClock(START)
    async with start_registry(fresh_database, stack, clock) as first:
        await load_national_standards(first.service.context())
        division = {"code": "330727101", "name": "安文镇", "valid_from": "2001-01-01"}
        await first.post("/divisions", division, expect=201)
        late = await approved(first, "文溪路")
        on_time = await approved(first, "花园路")
        await first.post(f"/places/{on_time}/publication", {"channel": "网站"}, expect=200)
        assert await raise_due(first.service.context()) == 0

    async with start_registry(fresh_database, stack, clock) as second:
        clock.advance(timedelta(days=15, hours=14, minutes=59))  # 2026-03-17 23:59 +08:00: the last day
        assert await raise_due(second.service.context()) == 0
        clock.advance(timedelta(minutes=1))  # 00:00 +08:00 after it
        assert await raise_due(second.service.context()) == 1
        assert await raise_due(second.service.context()) == 0
        raised = await overdue(second, late)
        assert len(raised) == 1 and raised[0].occurred_at == clock.now()
        assert raised[0].data == {"place_id": late, "name": "文溪路", "publish_by": "2026-03-17"}
        assert await overdue(second, on_time) == []
        published = await second.post(f"/places/{late}/publication", {"channel": "网站"}, expect=200)
        assert published.json()["published_on"] == "2026-03-18"
        events = await second.service.host.store.read_stream(f"place-{late}")
        assert events[-1].data["late"] is True
