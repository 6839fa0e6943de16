"""Divisions on the real stack: recorded by the standards officer, level and parent from the code,
renamed and abolished with their rules, listed by date, each change published as
``DivisionRecorded`` (its whole state), the whole list republished."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running


async def published(url: str, subject: str, event_ids: set[str]) -> dict[str, dict[str, Any]]:
    """event id → message on ``subject`` for these events (the broker's stream holds every test's)."""
    nc = await nats.connect(url)
    try:
        sub = await nc.jetstream().pull_subscribe(
            subject,
            stream="REGISTRY",
            config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
        )
        seen: dict[str, dict[str, Any]] = {}
        for _ in range(100):
            try:
                for msg in await sub.fetch(200, timeout=0.2):
                    body = json.loads(msg.data)
                    if body["event_id"] in event_ids:
                        seen[body["event_id"]] = body
            except nats.errors.TimeoutError:
                break
        return seen
    finally:
        await nc.close()


async def test_record_rename_abolish_and_list_by_date(registry: Running) -> None:
    township = (
        await registry.post(
            "/divisions", {"code": "330727101", "name": "安文镇", "valid_from": "2001-01-01"}, expect=201
        )
    ).json()
    assert township["level"] == "township" and township["parent"] == "330727"
    village = {"code": "330727101201", "name": "上溪村", "valid_from": "2001-01-01"}
    assert (await registry.post("/divisions", village, expect=201)).json()["parent"] == "330727101"
    refused(await registry.post("/divisions", village), 409, "division_exists", "code")
    orphan = {"code": "330727109201", "name": "无主村", "valid_from": "2001-01-01"}
    refused(await registry.post("/divisions", orphan), 422, "parent_not_found", "code")
    early = {"code": "330727101202", "name": "花园村", "valid_from": "1999-01-01"}
    refused(await registry.post("/divisions", early), 422, "parent_not_in_force", "valid_from")
    refused(
        await registry.post("/divisions", {**orphan, "code": "330728101"}),
        403,
        "outside_jurisdiction",
        "code",
    )
    refused(await registry.post("/divisions", {**orphan, "code": "3307271"}), 422, "invalid_input", "code")

    renamed = await registry.post(
        "/divisions/330727101/rename", {"name": "安文街道", "renamed_on": "2020-01-01"}, expect=200
    )
    assert [n["name"] for n in renamed.json()["names"]] == ["安文镇", "安文街道"]
    refused(
        await registry.post("/divisions/330727101/abolition", {"valid_to": "2025-01-01"}),
        409,
        "division_has_villages",
    )
    await registry.post("/divisions/330727101201/abolition", {"valid_to": "2024-01-01"}, expect=200)
    await registry.post("/divisions/330727101/abolition", {"valid_to": "2025-01-01"}, expect=200)
    refused(
        await registry.post("/divisions/330727101/rename", {"name": "X", "renamed_on": "2026-01-01"}),
        409,
        "division_abolished",
    )

    in_2010 = (await registry.get("/divisions", as_of="2010-06-01")).json()
    assert [(d["code"], d["name"]) for d in in_2010] == [("330727101", "安文镇"), ("330727101201", "上溪村")]
    in_2021 = (await registry.get("/divisions", as_of="2021-06-01", level="township")).json()
    assert [(d["code"], d["name"]) for d in in_2021] == [("330727101", "安文街道")]
    assert (await registry.get("/divisions", as_of="2026-01-01")).json() == []
    assert len((await registry.get("/divisions")).json()) == 2


async def test_each_change_is_published_with_the_whole_state_and_republished(
    registry: Running, stack: Any
) -> None:
    await registry.post(
        "/divisions", {"code": "330727102", "name": "新渥镇", "valid_from": "2001-01-01"}, expect=201
    )
    await registry.post(
        "/divisions", {"code": "330727102201", "name": "新渥村", "valid_from": "2001-01-01"}, expect=201
    )
    await registry.post(
        "/divisions/330727102201/rename", {"name": "新渥社区", "renamed_on": "2015-01-01"}, expect=200
    )
    assert (await registry.post("/divisions/republish", expect=200)).json() == {"published": 2}
    await registry.relay_caught_up()
    events = await registry.service.host.store.read_stream("divisions-330727")
    messages = await published(
        stack.nats_admin_url, "registry.division.recorded", {str(e.event_id) for e in events}
    )
    assert len(messages) == 5
    bodies = [messages[str(e.event_id)] for e in events]
    assert {b["event_type"] for b in bodies} == {"DivisionRecorded"}
    assert bodies[2]["data"] == {
        "code": "330727102201",
        "name": "新渥社区",
        "level": "village",
        "parent": "330727102",
        "valid_from": "2001-01-01",
        "valid_to": None,
    }
    assert [b["data"]["code"] for b in bodies[3:]] == ["330727102", "330727102201"]
    assert bodies[4]["data"]["name"] == "新渥社区"


async def test_two_concurrent_records_of_one_code_give_one(registry: Running) -> None:
    body = {"code": "330727103", "name": "尖山镇", "valid_from": "2001-01-01"}
    answers = await asyncio.gather(*(registry.post("/divisions", body) for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409, 409]


async def test_only_the_standards_officer_records_and_reads_stay_in_the_division(registry: Running) -> None:
    caseworker = registry.as_caller("township-caseworker", division="330727101")
    body = {"code": "330727101", "name": "安文镇", "valid_from": "2001-01-01"}
    refused(await registry.post("/divisions", body, headers=caseworker), 403, "role_not_permitted")
    await registry.post("/divisions", body, expect=201)
    await registry.post(
        "/divisions", {"code": "330727102", "name": "新渥镇", "valid_from": "2001-01-01"}, expect=201
    )
    seen = (await registry.get("/divisions", headers=caseworker)).json()
    assert [d["code"] for d in seen] == ["330727101"]
