"""Place names on the real stack: the procedure by role, one normalised name per interval in the
county (overlapping refused naming the interval, adjacent accepted, future-dated renamings
included), concurrent claims of one name give exactly one, homophones warned about, the history and
the gazetteer as of several dates, PlaceNamed / PlaceRenamed published."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING, Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

TODAY = "2026-03-02"  # the fixture's clock


async def divisions(registry: Running) -> None:
    for code, name in (("330727101", "安文镇"), ("330727101201", "上溪村"), ("330727102", "新渥镇")):
        await registry.post(
            "/divisions", {"code": code, "name": name, "valid_from": "2001-01-01"}, expect=201
        )


def proposal(
    name: str, effective_from: str = TODAY, division: str = "330727101", kind: str = "road"
) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "division": division,
        "effective_from": effective_from,
        "reason": "新建",
    }


async def named(registry: Running, name: str, effective_from: str = TODAY, **kw: Any) -> str:
    """A place proposed, reviewed and approved; its id."""
    place = (await registry.post("/places", proposal(name, effective_from, **kw), expect=201)).json()
    pid = place["place_id"]
    await registry.post(f"/places/{pid}/review", {"passed": True, "opinion": "同意"}, expect=200)
    await registry.post(f"/places/{pid}/approval", {"document": "批复"}, expect=200)
    return str(pid)


async def test_the_procedure_by_role(registry: Running) -> None:
    await divisions(registry)
    caseworker = registry.as_caller("township-caseworker", division="330727101", subject="cw-101")
    reviewer = registry.as_caller("township-reviewer", division="330727101", subject="rv-101")
    approver = registry.as_caller("county-approver", subject="ap-county")
    other = registry.as_caller("township-caseworker", division="330727102", subject="cw-102")

    refused(
        await registry.post("/places", proposal("文溪路"), headers=other),
        403,
        "outside_jurisdiction",
        "division",
    )
    refused(await registry.post("/places", proposal("文溪路"), headers=reviewer), 403, "role_not_permitted")
    place = (
        await registry.post("/places", proposal("文溪路", "2026-04-01"), headers=caseworker, expect=201)
    ).json()
    pid = place["place_id"]
    assert place["status"] == "proposed" and place["names"] == []
    refused(
        await registry.post(f"/places/{pid}/approval", {"document": "x"}, headers=approver),
        409,
        "not_reviewed",
    )
    refused(
        await registry.post(f"/places/{pid}/review", {"passed": True}, headers=caseworker),
        403,
        "role_not_permitted",
    )
    await registry.post(
        f"/places/{pid}/review", {"passed": True, "opinion": "同意"}, headers=reviewer, expect=200
    )
    refused(
        await registry.post(f"/places/{pid}/approval", {"document": "x"}, headers=reviewer),
        403,
        "role_not_permitted",
    )
    approved = (
        await registry.post(
            f"/places/{pid}/approval", {"document": "磐政地名〔2026〕3号"}, headers=approver, expect=200
        )
    ).json()
    # 15 days after 2026-03-02 is 2026-03-17, a Tuesday
    assert approved["status"] == "approved" and approved["publish_by"] == "2026-03-17"
    assert approved["names"] == [{"name": "文溪路", "valid_from": "2026-04-01", "valid_to": None}]
    refused(
        await registry.post(f"/places/{pid}/approval", {"document": "x"}, headers=approver),
        409,
        "not_reviewed",
    )
    published = (
        await registry.post(f"/places/{pid}/publication", {"channel": "网站"}, headers=approver, expect=200)
    ).json()
    assert published["published_on"] == TODAY
    refused(await registry.post(f"/places/{pid}/publication", {"channel": "网站"}), 409, "already_published")
    # the neighbouring township sees neither the place nor its list entry
    refused(await registry.get(f"/places/{pid}", headers=other, expect=None), 403, "outside_jurisdiction")
    assert (await registry.get("/places", headers=other)).json() == []
    assert [p["place_id"] for p in (await registry.get("/places", headers=caseworker)).json()] == [pid]


async def test_a_name_is_unique_on_every_date_overlap_refused_adjacent_accepted(registry: Running) -> None:
    await divisions(registry)
    first = await named(registry, "人民路")
    refused(await registry.post("/places", proposal("人民 路", "2030-01-01")), 409, "name_in_use", "name")
    answer = await registry.post("/places", proposal("人民路", division="330727102"))
    refused(answer, 409, "name_in_use")  # the scope is the county
    assert "[2026-03-02, open)" in answer.json()["error"]["message"]
    await registry.post(
        f"/places/{first}/retirement", {"valid_to": "2026-06-01", "reason": "拆除"}, expect=200
    )
    refused(await registry.post("/places", proposal("人民路", "2026-05-31")), 409, "name_in_use")
    adjacent = (await registry.post("/places", proposal("人民路", "2026-06-01"), expect=201)).json()
    assert adjacent["warnings"] == []
    # a rejected proposal frees the name it claimed
    pid = adjacent["place_id"]
    await registry.post(f"/places/{pid}/review", {"passed": False, "opinion": "不同意"}, expect=200)
    await registry.post("/places", proposal("人民路", "2026-07-01"), expect=201)


async def test_a_future_dated_renaming_blocks_the_name_from_its_date(registry: Running) -> None:
    await divisions(registry)
    road = await named(registry, "兴安路")
    renamed = await registry.post(
        f"/places/{road}/renaming",
        {"name": "文化路", "effective_from": "2027-01-01", "document": "更名批复"},
        expect=200,
    )
    assert [(n["name"], n["valid_to"]) for n in renamed.json()["names"]] == [
        ("兴安路", "2027-01-01"),
        ("文化路", None),
    ]
    # 文化路 from today would run into 2027: refused; 兴安路 is free from 2027-01-01 (adjacent)
    refused(await registry.post("/places", proposal("文化路")), 409, "name_in_use")
    refused(await registry.post("/places", proposal("兴安路", "2026-12-31")), 409, "name_in_use")
    await registry.post("/places", proposal("兴安路", "2027-01-01"), expect=201)
    # another place's renaming into 文化路 later is refused too
    other = await named(registry, "东街")
    refused(
        await registry.post(
            f"/places/{other}/renaming", {"name": "文化路", "effective_from": "2028-01-01", "document": "x"}
        ),
        409,
        "name_in_use",
    )
    # the refused renaming changed nothing
    assert (await registry.get(f"/places/{other}/name", on="2028-06-01")).json()["name"] == "东街"


async def test_concurrent_claims_of_one_name_give_exactly_one(registry: Running) -> None:
    await divisions(registry)
    answers = await asyncio.gather(*(registry.post("/places", proposal("花园路")) for _ in range(8)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    assert all(a.json()["error"]["code"] == "name_in_use" for a in answers if a.status_code == 409)
    roads = [await named(registry, f"路{i}号") for i in range(6)]
    renamings = await asyncio.gather(
        *(
            registry.post(
                f"/places/{r}/renaming", {"name": "和平路", "effective_from": "2026-09-01", "document": "x"}
            )
            for r in roads
        )
    )
    assert sorted(a.status_code for a in renamings) == [200] + [409] * 5
    winners = [r for r, a in zip(roads, renamings, strict=True) if a.status_code == 200]
    on = (await registry.get("/gazetteer", on="2026-09-01")).json()
    assert [e["place_id"] for e in on if e["name"] == "和平路"] == winners


async def test_a_homophone_is_a_warning_not_a_refusal(registry: Running) -> None:
    await divisions(registry)
    await named(registry, "人民路")
    place = (await registry.post("/places", proposal("仁民路"), expect=201)).json()
    assert place["homophones"] == ["人民路"]
    assert place["warnings"] and "人民路" in place["warnings"][0]
    # a place renamed to a homophone of its own name: one sound index, its old claim closed first
    own = await named(registry, "和平街")
    renamed = await registry.post(
        f"/places/{own}/renaming",
        {"name": "合平街", "effective_from": "2026-09-01", "document": "x"},
        expect=200,
    )
    assert renamed.json()["homophones"] == [] and renamed.json()["name"] == "合平街"
    # not once 人民路 is out of force before 仁民路 starts
    other = await named(registry, "复兴路")
    await registry.post(f"/places/{other}/retirement", {"valid_to": "2026-05-01", "reason": "x"}, expect=200)
    assert (await registry.post("/places", proposal("富兴路", "2026-05-01"), expect=201)).json()[
        "homophones"
    ] == []


async def test_history_gazetteer_and_search_as_of_several_dates(registry: Running) -> None:
    await divisions(registry)
    road = await named(registry, "兴安路", kind="road")
    bridge = await named(registry, "永进桥", "2026-05-01", kind="bridge")
    await registry.post(
        f"/places/{road}/renaming",
        {"name": "文化路", "effective_from": "2027-01-01", "document": "x"},
        expect=200,
    )
    await registry.post(f"/places/{road}/retirement", {"valid_to": "2030-01-01", "reason": "x"}, expect=200)

    async def name_on(day: str) -> Any:
        return await registry.get(f"/places/{road}/name", on=day, expect=None)

    refused(await name_on("2026-03-01"), 404, "place_not_in_force")
    assert (await name_on("2026-03-02")).json()["name"] == "兴安路"
    assert (await name_on("2026-12-31")).json()["name"] == "兴安路"
    assert (await name_on("2027-01-01")).json()["name"] == "文化路"
    refused(await name_on("2030-01-01"), 404, "place_not_in_force")

    g = (await registry.get("/gazetteer", on="2026-04-01")).json()
    assert [(e["name"], e["former_names"]) for e in g] == [("兴安路", [])]
    g = (await registry.get("/gazetteer", on="2027-06-01")).json()
    assert [e["name"] for e in g] == ["文化路", "永进桥"]
    culture = next(e for e in g if e["name"] == "文化路")
    assert culture["former_names"] == [{"name": "兴安路", "valid_from": TODAY, "valid_to": "2027-01-01"}]
    assert [e["name"] for e in (await registry.get("/gazetteer", on="2027-06-01", kind="bridge")).json()] == [
        "永进桥"
    ]
    assert [e["name"] for e in (await registry.get("/gazetteer", on="2031-01-01")).json()] == ["永进桥"]

    found = (await registry.get("/places", name="兴安", on="2026-06-01")).json()
    assert [p["place_id"] for p in found] == [road]
    assert (await registry.get("/places", name="兴安", on="2027-06-01")).json() == []
    history = (await registry.get(f"/places/{road}")).json()
    assert [n["name"] for n in history["names"]] == ["兴安路", "文化路"]
    assert bridge


async def test_approval_and_renaming_are_published(registry: Running, stack: Any) -> None:
    await divisions(registry)
    road = await named(registry, "文溪路")
    await registry.post(
        f"/places/{road}/renaming",
        {"name": "文溪大道", "effective_from": "2027-01-01", "document": "x"},
        expect=200,
    )
    await registry.relay_caught_up()
    nc = await nats.connect(stack.nats_admin_url)
    try:
        seen: dict[str, dict[str, Any]] = {}
        for subject in ("registry.place.named", "registry.place.renamed"):
            sub = await nc.jetstream().pull_subscribe(
                subject,
                stream="REGISTRY",
                config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
            )
            for _ in range(100):
                try:
                    for msg in await sub.fetch(200, timeout=0.2):
                        body = json.loads(msg.data)
                        if body["data"]["place_id"] == road:
                            seen[body["event_type"]] = body["data"]
                except nats.errors.TimeoutError:
                    break
    finally:
        await nc.close()
    assert seen["PlaceNamed"] == {
        "place_id": road,
        "kind": "road",
        "name": "文溪路",
        "effective_from": TODAY,
        "approved_on": TODAY,
        "division": "330727101",
    }
    assert (
        seen["PlaceRenamed"]["former_name"] == "文溪路"
        and seen["PlaceRenamed"]["effective_from"] == "2027-01-01"
    )
    assert uuid.UUID(road)


async def test_the_scope_is_a_standard_township_wide_from_its_date(registry: Running) -> None:
    await divisions(registry)
    await named(registry, "人民路")
    refused(
        await registry.post("/places", proposal("人民路", "2026-06-01", division="330727102")),
        409,
        "name_in_use",
    )
    scope = {
        "parameter": "place_name_uniqueness_scope",
        "jurisdiction": "330727",
        "effective_from": "2026-06-01",
        "value": 1,
    }
    await registry.post("/standards", scope, expect=201)
    # from 2026-06-01 only the same township counts: another township may use the name, the same may not
    refused(
        await registry.post("/places", proposal("人民路", "2026-05-31", division="330727102")),
        409,
        "name_in_use",
    )
    await registry.post("/places", proposal("人民路", "2026-06-01", division="330727102"), expect=201)
    refused(
        await registry.post("/places", proposal("人民路", "2026-06-01", division="330727101201")),
        409,
        "name_in_use",
    )


async def test_a_historical_place_claims_each_of_its_intervals(registry: Running) -> None:
    await divisions(registry)
    body = {
        "kind": "road",
        "division": "330727101",
        "names": [
            {"name": "解放路", "valid_from": "1966-01-01", "valid_to": "2005-01-01"},
            {"name": "人民路", "valid_from": "2005-01-01"},
        ],
        "document": "普查 0142",
    }
    caseworker = registry.as_caller("township-caseworker", division="330727101")
    refused(await registry.post("/places/records", body, headers=caseworker), 403, "role_not_permitted")
    pid = (await registry.post("/places/records", body, expect=201)).json()["place_id"]
    assert (await registry.get(f"/places/{pid}/name", on="1990-06-01")).json()["name"] == "解放路"
    assert (await registry.get(f"/places/{pid}/name", on="2005-01-01")).json()["name"] == "人民路"
    refused(
        await registry.get(f"/places/{pid}/name", on="1965-12-31", expect=None), 404, "place_not_in_force"
    )
    # 解放路 is free from 2005 on, 人民路 is not; the same history again overlaps
    await registry.post("/places", proposal("解放路"), expect=201)
    refused(await registry.post("/places", proposal("人民路", "2030-01-01")), 409, "name_in_use")
    refused(await registry.post("/places/records", body), 409, "name_in_use")
    bad = {
        **body,
        "names": [
            {"name": "老街", "valid_from": "1966-01-01", "valid_to": "1970-01-01"},
            {"name": "新街", "valid_from": "1971-01-01"},
        ],
    }
    refused(await registry.post("/places/records", bad), 422, "names_not_consecutive", "names[0]")
    in_1990 = (await registry.get("/gazetteer", on="1990-06-01")).json()
    assert [(e["name"], e["since"]) for e in in_1990] == [("解放路", "1966-01-01")]


async def test_the_scope_standard_is_named_on_the_event(registry: Running) -> None:
    await divisions(registry)
    before = await named(registry, "春晖路")
    scope = {
        "parameter": "place_name_uniqueness_scope",
        "jurisdiction": "330727",
        "effective_from": "2026-06-01",
        "value": 0,
    }
    await registry.post("/standards", scope, expect=201)
    after = (await registry.post("/places", proposal("秋实路", "2026-06-01"), expect=201)).json()["place_id"]
    proposed = {}
    for pid in (before, after):
        events = await registry.service.host.store.read_stream(f"place-{pid}")
        proposed[pid] = events[0].data["scope_standard"]
    assert proposed == {before: None, after: "place_name_uniqueness_scope:330727:2026-06-01"}


async def test_a_historical_place_that_took_its_old_name_back(registry: Running) -> None:
    """解放路 → 人民路 → 解放路: one name index claimed twice in one unit (the intervals apart)."""
    await divisions(registry)
    body = {
        "kind": "road",
        "division": "330727101",
        "names": [
            {"name": "解放路", "valid_from": "1966-01-01", "valid_to": "1981-01-01"},
            {"name": "人民路", "valid_from": "1981-01-01", "valid_to": "1990-01-01"},
            {"name": "解放路", "valid_from": "1990-01-01"},
        ],
        "document": "普查 0143",
    }
    pid = (await registry.post("/places/records", body, expect=201)).json()["place_id"]
    names = [
        (await registry.get(f"/places/{pid}/name", on=day)).json()["name"]
        for day in ("1970-01-01", "1985-01-01", TODAY)
    ]
    assert names == ["解放路", "人民路", "解放路"]
    refused(await registry.post("/places", proposal("解放路", "2030-01-01")), 409, "name_in_use")
    assert (await registry.post("/places", proposal("人民路"), expect=201)).json()["warnings"] == []
