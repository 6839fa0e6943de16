"""The first hour of a new user: the OpenAPI documents every operation (a description, a typed
answer, its refusals), the example body of every request validates against its route, and there are
lists to find ids with."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_assistance.adapters.http import router
from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

OURS = {(m.lower(), r.path) for r in router.routes for m in getattr(r, "methods", ())}
PATH_VALUES = {"hid": str(uuid.uuid4()), "step": "investigation", "oid": "ob-1", "cid": str(uuid.uuid4())}


def typed(schema: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return typed(schema.get("items", {}))
    return False


async def openapi(a: Running) -> dict[str, Any]:
    document: dict[str, Any] = (await a.get("/openapi.json")).json()
    return document


async def test_every_operation_has_a_description_a_typed_answer_and_its_refusals(assistance: Running) -> None:
    spec = await openapi(assistance)
    seen = set()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if (method, path) not in OURS:
                continue
            seen.add((method, path))
            where = f"{method.upper()} {path}"
            assert op.get("summary") and op.get("description"), where
            ok = [s for s in op["responses"] if s.startswith("2")]
            assert len(ok) == 1, where
            schema = op["responses"][ok[0]]["content"]["application/json"]["schema"]
            assert typed(schema), (where, schema)
            for status in ("413", "422", "503"):
                error = op["responses"][status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorResponse"}, where
            if "{hid}" in path and method == "post":
                assert {"404", "409"} <= set(op["responses"]), where
    assert seen == OURS


def example_of(spec: dict[str, Any], op: dict[str, Any]) -> Any:
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema.get("examples"), ref
    return schema["examples"][0]


async def test_the_example_of_every_request_body_is_accepted(assistance: Running) -> None:
    a = assistance
    spec = await openapi(a)
    tried = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if "requestBody" not in op or (method, path) not in OURS:
                continue
            body = example_of(spec, op)
            url = path.format(**PATH_VALUES)
            r = await a.http.request(method, url, json=body, headers=a.headers)
            assert r.status_code < 500 and r.status_code != 422, (method, path, r.status_code, r.text)
            tried += 1
    assert tried >= 15
    # the application's example is a household the county accepts (not residence_too_coarse)
    households = (await a.get("/households")).json()
    assert households["total"] == 1


async def apply(a: Running, n: int, village: str) -> str:
    head = make_resident_id("330727", date(1950, 1, 1) + timedelta(days=n), 700 + n).reveal()
    member = {
        "resident_id": head,
        "relationship": "self",
        "monthly_income_fen": 0,
        "employment": "unemployed",
    }
    body = {"programme": "dibao_rural", "residence": village, "members": [member]}
    a.clock.advance(timedelta(minutes=1))
    return str((await a.post("/households", body, expect=201)).json()["household_id"])


async def test_households_are_listed_by_village_and_status_a_page_at_a_time(assistance: Running) -> None:
    a = assistance
    await a.record_divisions(("330727101202", "V202"))
    in_201 = [await apply(a, n, "330727101201") for n in range(5)]
    in_202 = [await apply(a, 10 + n, "330727101202") for n in range(2)]
    await a.post(f"/households/{in_201[0]}/withdrawal", {"reason": "moved"}, expect=200)
    everyone = (await a.get("/households")).json()
    assert everyone["total"] == 7 and len(everyone["items"]) == 7
    assert everyone["items"][0]["household_id"] == in_202[-1]  # newest first
    village = (await a.get("/households", village="330727101201", status="reviewing")).json()
    assert village["total"] == 4
    assert {h["household_id"] for h in village["items"]} == set(in_201[1:])
    township = (await a.get("/households", village="330727101")).json()
    assert township["total"] == 7
    pages = [
        (await a.get("/households", village="330727101201", limit=2, offset=offset)).json()
        for offset in (0, 2, 4)
    ]
    ids = [h["household_id"] for page in pages for h in page["items"]]
    assert sorted(ids) == sorted(in_201) and len(pages[2]["items"]) == 1
    withdrawn = (await a.get("/households", status="withdrawn")).json()
    assert [h["household_id"] for h in withdrawn["items"]] == [in_201[0]]
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"status": "nope"}, {"village": "33"}):
        assert (await a.http.get("/households", params=bad, headers=a.headers)).status_code == 422, bad


async def test_divisions_are_listed(assistance: Running) -> None:
    a = assistance
    await a.record_divisions(("330727101202", "V202"), ("330727102", "T102"))
    everything = (await a.get("/divisions")).json()
    assert [d["code"] for d in everything["items"]] == [
        "330727101",
        "330727101201",
        "330727101202",
        "330727102",
    ]
    assert everything["total"] == 4
    villages = (await a.get("/divisions", level="village", within="330727101")).json()
    assert [(d["code"], d["name"], d["level"], d["parent"]) for d in villages["items"]] == [
        ("330727101201", "V201", "village", "330727101"),
        ("330727101202", "V202", "village", "330727101"),
    ]
    page = (await a.get("/divisions", limit=1, offset=3)).json()
    assert [d["code"] for d in page["items"]] == ["330727102"] and page["total"] == 4
