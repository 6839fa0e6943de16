"""House numbers on the real stack: 左单右双 in sequence with no gap and no duplicate, also for N
concurrent issues on one side; reservations skipped unless asked for; infill sub-numbers; a
retired number never reissued; one valid doorplate certificate per number (consecutive county
serials); the address is the road's name on the date plus the number; HouseNumberIssued on the
broker."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from minzheng_eventstore import StreamNotFoundError
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running


async def road(registry: Running, name: str = "文溪路", kind: str = "road") -> str:
    for code, division in (("330727101", "安文镇"), ("330727101201", "上溪村"), ("330727102", "新渥镇")):
        await registry.post("/divisions", {"code": code, "name": division, "valid_from": "2001-01-01"})
    body = {"kind": kind, "name": name, "division": "330727101", "effective_from": "2026-03-02"}
    pid = (await registry.post("/places", body, expect=201)).json()["place_id"]
    await registry.post(f"/places/{pid}/review", {"passed": True}, expect=200)
    await registry.post(f"/places/{pid}/approval", {"document": "批复"}, expect=200)
    return str(pid)


async def issue(registry: Running, rid: str, body: dict[str, Any], expect: int | None = 201) -> Any:
    return await registry.post(f"/roads/{rid}/numbers", body, expect=expect)


async def test_odd_left_even_right_in_sequence(registry: Running) -> None:
    rid = await road(registry)
    numbers = [
        (await issue(registry, rid, {"side": side})).json()
        for side in ("left", "right", "left", "right", "left")
    ]
    assert [n["number"] for n in numbers] == ["1", "2", "3", "4", "5"]
    assert numbers[0]["address"] == "安文镇文溪路1号" and numbers[0]["division"] == "330727101"
    refused(await issue(registry, rid, {"side": "left", "number": 9}, None), 422, "not_next_number", "number")
    refused(await issue(registry, rid, {"side": "left", "number": 4}, None), 422, "wrong_side", "number")
    refused(await issue(registry, rid, {"side": "left", "number": 3}, None), 409, "number_issued", "number")
    assert (await issue(registry, rid, {"side": "left", "number": 7})).json()["number"] == "7"
    village = (await issue(registry, rid, {"side": "right", "division": "330727101201"})).json()
    assert village["division"] == "330727101201"
    refused(
        await issue(registry, rid, {"side": "right", "division": "330727102"}, None),
        422,
        "division_not_on_road",
    )


async def test_n_concurrent_issues_on_one_side_take_exactly_the_next_n(registry: Running) -> None:
    rid = await road(registry)
    await issue(registry, rid, {"side": "left"})
    answers = await asyncio.gather(*(issue(registry, rid, {"side": "left"}, None) for _ in range(12)))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers if a.status_code != 201]
    assert sorted(int(a.json()["number"]) for a in answers) == list(range(3, 27, 2))
    listed = (await registry.get(f"/roads/{rid}/numbers")).json()
    assert [n["number"] for n in listed["numbers"]] == [str(n) for n in range(1, 27, 2)]
    assert listed["next_left"] == 27 and listed["next_right"] == 2


async def test_reservations_infill_and_retirement(registry: Running) -> None:
    rid = await road(registry)
    for _ in range(3):
        await issue(registry, rid, {"side": "left"})  # 1 3 5
    kept = await registry.post(
        f"/roads/{rid}/reservations", {"side": "left", "first": 7, "last": 11, "reason": "预留"}, expect=200
    )
    assert kept.json()["reserved"] == [7, 9, 11] and kept.json()["next_left"] == 13
    refused(
        await registry.post(f"/roads/{rid}/reservations", {"side": "left", "first": 5, "last": 7}),
        409,
        "numbers_taken",
    )
    assert (await issue(registry, rid, {"side": "left"})).json()["number"] == "13"
    assert (await issue(registry, rid, {"side": "left", "number": 9})).json()["number"] == "9"
    assert (await issue(registry, rid, {"side": "left", "after": 3})).json()["number"] == "3-1"
    assert (await issue(registry, rid, {"side": "left", "after": 3})).json()["number"] == "3-2"
    refused(await issue(registry, rid, {"side": "left", "after": 13}, None), 422, "not_infill")
    retired = await registry.post(f"/roads/{rid}/numbers/3-2/retirement", {"reason": "拆除"}, expect=200)
    assert retired.json()["retired_on"] == "2026-03-02"
    assert (await issue(registry, rid, {"side": "left", "after": 3})).json()["number"] == "3-3"
    await registry.post(f"/roads/{rid}/numbers/13/retirement", {"reason": "拆除"}, expect=200)
    refused(await issue(registry, rid, {"side": "left", "number": 13}, None), 409, "number_retired")
    assert (await issue(registry, rid, {"side": "left"})).json()["number"] == "15"
    refused(await registry.post(f"/roads/{rid}/numbers/13/retirement", {}), 409, "number_retired")
    refused(await registry.post(f"/roads/{rid}/numbers/99/retirement", {}), 404, "house_number_not_found")


async def test_one_valid_certificate_per_number(registry: Running) -> None:
    rid = await road(registry)
    await issue(registry, rid, {"side": "left"})
    await issue(registry, rid, {"side": "right"})
    first = (
        await registry.post(f"/roads/{rid}/numbers/1/certificate", {"holder": "业主"}, expect=201)
    ).json()
    assert first == {"certificate_no": "MP330727-2026-000001", "voids": None}
    answers = await asyncio.gather(
        *(registry.post(f"/roads/{rid}/numbers/{n}/certificate", {"holder": "业主"}) for n in (1, 2, 1, 2))
    )
    assert all(a.status_code == 201 for a in answers)
    assert sorted(a.json()["certificate_no"][-6:] for a in answers) == [
        "000002",
        "000003",
        "000004",
        "000005",
    ]
    listed = {
        n["number"]: n["certificate"] for n in (await registry.get(f"/roads/{rid}/numbers")).json()["numbers"]
    }
    voided = {a.json()["voids"] for a in answers}
    assert listed["1"] not in voided and listed["2"] not in voided  # the valid one is the latest
    assert len({listed["1"], listed["2"]}) == 2
    await registry.post(f"/roads/{rid}/numbers/1/retirement", {"reason": "拆除"}, expect=200)
    refused(
        await registry.post(f"/roads/{rid}/numbers/1/certificate", {"holder": "x"}), 409, "number_retired"
    )


async def test_the_address_is_the_roads_name_on_the_date(registry: Running) -> None:
    rid = await road(registry)
    await issue(registry, rid, {"side": "left"})
    await registry.post(
        f"/places/{rid}/renaming",
        {"name": "文溪大道", "effective_from": "2027-01-01", "document": "x"},
        expect=200,
    )

    async def address(on: str) -> Any:
        return await registry.get(f"/addresses/{rid}/1", on=on, expect=None)

    assert (await address("2026-12-31")).json()["address"] == "安文镇文溪路1号"
    assert (await address("2027-01-01")).json()["address"] == "安文镇文溪大道1号"
    refused(await address("2026-03-01"), 404, "house_number_not_found")
    refused(await registry.get(f"/addresses/{rid}/3", expect=None), 404, "house_number_not_found")
    # numbers issued after the renaming day carry the new name
    registry.clock.advance(timedelta(days=305))  # 2027-01-02
    assert (await issue(registry, rid, {"side": "left"})).json()["address"] == "安文镇文溪大道3号"


async def test_only_roads_in_force_and_within_the_callers_division(registry: Running) -> None:
    rid = await road(registry)
    bridge = await road(registry, "永进桥", "bridge")
    refused(await issue(registry, bridge, {"side": "left"}, None), 422, "not_a_road")
    other = registry.as_caller("township-caseworker", division="330727102")
    refused(
        await registry.post(f"/roads/{rid}/numbers", {"side": "left"}, headers=other),
        403,
        "outside_jurisdiction",
    )
    refused(
        await registry.get(f"/roads/{rid}/numbers", headers=other, expect=None), 403, "outside_jurisdiction"
    )
    own = registry.as_caller("township-caseworker", division="330727101")
    await registry.post(f"/roads/{rid}/numbers", {"side": "left"}, headers=own, expect=201)
    refused(
        await registry.post(
            f"/roads/{rid}/reservations", {"side": "left", "first": 3, "last": 5}, headers=own
        ),
        403,
        "role_not_permitted",
    )
    await registry.post(f"/places/{rid}/retirement", {"valid_to": "2026-03-03", "reason": "x"}, expect=200)
    registry.clock.advance(timedelta(days=1))
    refused(await issue(registry, rid, {"side": "left"}, None), 409, "road_not_in_force")
    refused(
        await issue(registry, rid, {"side": "left", "number": 3, "after": 1}, None), 422, "number_and_after"
    )


async def test_issued_numbers_are_published(registry: Running, stack: Any) -> None:
    rid = await road(registry)
    await issue(registry, rid, {"side": "left"})
    await issue(registry, rid, {"side": "left"})
    await issue(registry, rid, {"side": "left", "after": 1})
    await registry.relay_caught_up()
    nc = await nats.connect(stack.nats_admin_url)
    seen = []
    try:
        sub = await nc.jetstream().pull_subscribe(
            "registry.house_number.issued",
            stream="REGISTRY",
            config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
        )
        for _ in range(100):
            try:
                for msg in await sub.fetch(200, timeout=0.2):
                    body = json.loads(msg.data)
                    if body["data"]["road_id"] == rid:
                        seen.append(body["data"])
            except nats.errors.TimeoutError:
                break
    finally:
        await nc.close()
    assert [(d["number"], d["sub_number"], d["side"]) for d in seen] == [
        (1, None, "left"),
        (3, None, "left"),
        (1, 1, "left"),
    ]
    assert seen[2]["address"] == "安文镇文溪路1-1号" and seen[2]["road_name"] == "文溪路"


async def census_road(registry: Running) -> str:
    await road(registry)  # the divisions
    body = {
        "kind": "road",
        "division": "330727101",
        "names": [{"name": "解放路", "valid_from": "2000-01-01"}],
        "document": "普查",
    }
    return str((await registry.post("/places/records", body, expect=201)).json()["place_id"])


async def test_numbers_issued_while_the_road_is_renamed_carry_the_name_in_force_when_they_commit(
    registry: Running,
) -> None:
    rid = await census_road(registry)
    renaming = {"name": "人民路", "effective_from": "2026-03-02", "document": "更名"}
    answers = await asyncio.gather(
        *(issue(registry, rid, {"side": "left"}, None) for _ in range(5)),
        registry.post(f"/places/{rid}/renaming", renaming),
        *(issue(registry, rid, {"side": "left"}, None) for _ in range(5)),
    )
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    events = await registry.service.host.store.read_stream(f"place-{rid}")
    renamed_at = next(e.position for e in events if e.event_type == "PlaceRenamed")
    issued = await registry.service.host.store.read_stream(f"numbering-{rid}")
    assert len(issued) == 10
    for e in issued:  # before the renaming committed: the old name; after it: the new one
        assert e.data["road_name"] == ("人民路" if e.position > renamed_at else "解放路"), e.data


async def test_no_number_is_issued_after_the_road_is_retired(registry: Running) -> None:
    rid = await census_road(registry)
    answers = await asyncio.gather(
        *(issue(registry, rid, {"side": "right"}, None) for _ in range(4)),
        registry.post(f"/places/{rid}/retirement", {"valid_to": "2026-03-02", "reason": "拆除"}),
        *(issue(registry, rid, {"side": "right"}, None) for _ in range(4)),
    )
    assert answers[4].status_code == 200
    assert {a.status_code for a in answers[:4] + answers[5:]} <= {201, 409}
    events = await registry.service.host.store.read_stream(f"place-{rid}")
    retired_at = next(e.position for e in events if e.event_type == "PlaceNameRetired")
    try:
        issued = await registry.service.host.store.read_stream(f"numbering-{rid}")
    except StreamNotFoundError:  # none issued before the retirement
        issued = []
    assert all(e.position < retired_at for e in issued)
    assert len(issued) == sum(a.status_code == 201 for a in answers)


async def test_plates_are_counted_per_kind(registry: Running) -> None:
    rid = await road(registry)
    await issue(registry, rid, {"side": "left"})
    await registry.post(f"/roads/{rid}/signs", {"kind": "door", "number": "1"}, expect=201)
    await registry.post(f"/roads/{rid}/signs", {"kind": "building", "number": "1"}, expect=201)
    signs = (await registry.post(f"/roads/{rid}/signs", {"kind": "road", "count": 2}, expect=201)).json()
    assert signs["signs"] == {"door": 1, "building": 1, "road": 2}
    refused(await registry.post(f"/roads/{rid}/signs", {"kind": "door"}), 422, "number_missing", "number")
    # a lane sign (巷牌) is not counted on a road
    refused(
        await registry.post(f"/roads/{rid}/signs", {"kind": "lane"}), 422, "sign_does_not_match_road", "kind"
    )
    refused(
        await registry.post(f"/roads/{rid}/signs", {"kind": "unit", "number": "3"}),
        404,
        "house_number_not_found",
    )
    assert (await registry.get(f"/roads/{rid}/numbers")).json()["signs"] == {
        "door": 1,
        "building": 1,
        "road": 2,
    }
