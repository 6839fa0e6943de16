"""The first hour: every operation is described, typed and documents its refusals; every request
example is accepted as written; incidents and warehouses can be listed, filtered and paged."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import Running

# the order a new user follows; {iid} is the incident the report example creates
ORDER = [
    ("post", "/incidents"),
    ("post", "/incidents/{iid}/verification"),
    ("post", "/warehouses/{warehouse}/receipts"),
    ("post", "/incidents/{iid}/allocations"),
    ("post", "/incidents/{iid}/households"),
    ("post", "/incidents/{iid}/deliveries"),
]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


async def test_every_operation_is_described_typed_and_its_examples_are_accepted(disaster: Running) -> None:
    a = disaster
    spec = (await a.http.get("/openapi.json")).json()
    ours = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if not path.startswith(("/health", "/ready", "/metrics", "/audit", "/operations"))  # the kit's
    }
    assert len(ours) == 14
    for (method, path), op in ours.items():
        where = f"{method.upper()} {path}"
        assert op.get("summary") and len(op.get("description", "")) > 20, where
        ok = [s for s in op["responses"] if s.startswith("2")]
        assert ok, where
        schema = op["responses"][ok[0]]["content"]["application/json"]["schema"]
        assert resolve(spec, schema).get("properties"), f"{where}: untyped answer"
        for status in ("422",):
            error = op["responses"][status]["content"]["application/json"]["schema"]
            assert "error" in resolve(spec, error)["properties"], where
        if "{iid}" in path and method == "get":
            assert "404" in op["responses"], where
    with_body = {k for k, op in ours.items() if "requestBody" in op}
    assert with_body == set(ORDER), "a new command: add it to ORDER"
    for method, path in ORDER:
        assert "409" in ours[method, path]["responses"] or path.endswith("verification")

    # every example posted as written, in the order of the flow (the test clock is the examples'
    # report time: 2026-07-14 06:00 +08:00)
    def examples(method: str, path: str) -> list[dict[str, Any]]:
        body = ours[method, path]["requestBody"]["content"]["application/json"]["schema"]
        found: list[dict[str, Any]] = resolve(spec, body)["examples"]
        assert found, path
        return found

    warehouse = examples("post", "/incidents/{iid}/allocations")[0]["warehouse"]
    iid = ""
    for method, path in ORDER:
        for example in examples(method, path):
            url = path.replace("{iid}", iid).replace("{warehouse}", warehouse)
            response = await a.post(url, example)
            assert response.status_code < 300, (url, response.status_code, response.text)
            if path == "/incidents":
                iid = response.json()["incident_id"]
    board = (await a.http.get(f"/incidents/{iid}/sla")).json()
    assert board["counts"]["met"] == 1


class Getter:
    def __init__(self, a: Running) -> None:
        self.a = a

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.a.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response


async def test_incidents_and_warehouses_are_listed_filtered_and_paged(disaster: Running) -> None:
    a: Any = Getter(disaster)
    a.clock, a.post = disaster.clock, disaster.post
    now = a.clock.now()
    made = []
    for n, (kind, area) in enumerate([("flood", "330727101"), ("fire", "330727102201"), ("flood", "330727")]):
        body = {
            "incident_id": str(uuid.uuid4()),
            "disaster_type": kind,
            "area": [area],
            "happened_at": (now - timedelta(hours=10 - n)).isoformat(),
            "reported_at": (now - timedelta(hours=9 - n)).isoformat(),
            "reporter": "r",
        }
        await a.post("/incidents", body, expect=201)
        made.append(body["incident_id"])
    await a.post(f"/incidents/{made[0]}/verification", {"findings": "checked"}, expect=200)
    page = (await a.get("/incidents", limit=2)).json()
    assert [i["incident_id"] for i in page["items"]] == [made[2], made[1]]  # newest report first
    assert page["total"] == 3 and page["next_offset"] == 2
    last = (await a.get("/incidents", limit=2, offset=2)).json()
    assert [i["incident_id"] for i in last["items"]] == [made[0]] and last["next_offset"] is None
    assert [i["incident_id"] for i in (await a.get("/incidents", status="verified")).json()["items"]] == [
        made[0]
    ]
    floods = (await a.get("/incidents", type="flood")).json()["items"]
    assert {i["incident_id"] for i in floods} == {made[0], made[2]}
    # a village finds the incidents covering it: its township's and the county's
    here = (await a.get("/incidents", area="330727101201")).json()["items"]
    assert {i["incident_id"] for i in here} == {made[0], made[2]}
    township = (await a.get("/incidents", area="330727102")).json()["items"]
    assert {i["incident_id"] for i in township} == {made[1], made[2]}
    for w, item in [("north", "quilt"), ("north", "tent"), ("south", "rice_kg")]:
        await a.post(f"/warehouses/{w}/receipts", {"item": item, "quantity": 7}, expect=201)
    houses = (await a.get("/warehouses")).json()
    assert houses["items"] == [
        {"warehouse": "north", "items": 2, "on_hand": 14, "reserved": 0},
        {"warehouse": "south", "items": 1, "on_hand": 7, "reserved": 0},
    ]
    north = (await a.get("/warehouses/north", limit=1)).json()
    assert north["warehouse"] == "north" and north["total"] == 2 and north["next_offset"] == 1
    assert north["items"] == [{"item": "quilt", "on_hand": 7, "reserved": 0, "available": 7}]
    assert (await a.get("/warehouses/north", item="tent")).json()["items"][0]["item"] == "tent"
