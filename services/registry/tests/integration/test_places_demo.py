"""The area's demo data (idempotent) and its request examples: each example in the OpenAPI
document is accepted as written, in the order of the procedure, on the demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minzheng_eventstore.testing import request_example
from minzheng_registry.adapters.places import AREA
from minzheng_registry.adapters.places.http_places import EXAMPLE_PLACE
from minzheng_registry.adapters.places.seed import demo_place_id

if TYPE_CHECKING:
    from conftest import Running


async def test_the_demo_data_is_loaded_once(registry: Running) -> None:
    assert AREA.seed_demo is not None
    await AREA.seed_demo(registry.service.context())
    count = await registry.fetchval("SELECT count(*) FROM events")
    await AREA.seed_demo(registry.service.context())
    assert await registry.fetchval("SELECT count(*) FROM events") == count
    codes = [d["code"] for d in (await registry.get("/divisions", as_of="2026-03-02")).json()]
    for code in ("330727101", "330727101201", "330727101202", "330727102", "330727102201"):
        assert code in codes
    wenxi = demo_place_id("wenxi")
    numbers = (await registry.get(f"/roads/{wenxi}/numbers")).json()
    assert [n["number"] for n in numbers["numbers"]] == ["1", "3", "5", "7", "2", "4", "6", "8"]
    renmin = demo_place_id("renmin")
    today = (await registry.get("/gazetteer", on="2026-03-02")).json()
    former = next(e for e in today if e["place_id"] == renmin)["former_names"]
    assert former == [{"name": "解放路", "valid_from": "1966-01-01", "valid_to": "2005-01-01"}]
    address = (await registry.get(f"/addresses/{renmin}/1", on="2026-03-02")).json()
    assert address["address"] == "安文镇人民路1号"
    later = (await registry.get("/gazetteer", on="2026-06-01")).json()
    assert next(e for e in later if e["place_id"] == wenxi)["former_names"][0]["name"] == "文溪路"


async def test_every_request_example_is_accepted_as_written(registry: Running) -> None:
    assert AREA.seed_demo is not None
    await AREA.seed_demo(registry.service.context())
    spec = (await registry.get("/openapi.json")).json()
    wenxi = demo_place_id("wenxi")

    async def post(path: str, template: str | None = None, **params: str) -> Any:
        body = request_example(spec, "post", template or path)
        url = (template or path).format(**params)
        answer = await registry.post(url, body)
        assert answer.status_code in (200, 201), f"{url}: {answer.text}"
        return answer.json()

    await post("/divisions")
    await post("/divisions/{code}/rename", code="330727101")
    await post("/divisions/{code}/abolition", code="330727103201")
    await post("/divisions/republish")
    await post("/places")
    await post("/places/records")
    for step in ("review", "approval", "publication", "renaming", "extension", "retirement"):
        await post("/places/{place_id}/" + step, place_id=EXAMPLE_PLACE)
    other = (
        await registry.post(
            "/places",
            {"kind": "lane", "name": "文昌弄", "division": "330727101", "effective_from": "2026-03-02"},
        )
    ).json()["place_id"]
    await registry.post(f"/places/{other}/review", {"passed": True}, expect=200)
    await post("/places/{place_id}/rejection", place_id=other)
    assert (await post("/roads/{road_id}/numbers", road_id=wenxi))["number"] == "9"
    await post("/roads/{road_id}/reservations", road_id=wenxi)
    await post("/roads/{road_id}/numbers/{number}/certificate", road_id=wenxi, number="5")
    await post("/roads/{road_id}/signs", road_id=wenxi)
    await post("/roads/{road_id}/numbers/{number}/retirement", road_id=wenxi, number="5")
    ours = {
        p
        for p in spec["paths"]
        if p.startswith(("/divisions", "/places", "/roads", "/gazetteer", "/addresses"))
    }
    for path in ours:
        for method, operation in spec["paths"][path].items():
            assert operation.get("summary") and operation.get("description"), (method, path)
            assert "422" in operation["responses"] or method == "get", (method, path)
