"""The allowance routes: in the OpenAPI document each with a summary and its refusals, the
request bodies with examples that refuse extra fields (and are accepted as documented); every
route has a permission, anonymous callers get 401, roles the table does not name 403, and
nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused, request_example

if TYPE_CHECKING:
    from conftest import Running

OURS = ("/elders", "/allowance-checks")
ELDER = "/elders/" + "a" * 26


async def test_the_routes_are_documented_with_their_refusals_and_strict_examples(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    ours = {(m, p): op for p, item in spec["paths"].items() for m, op in item.items() if p.startswith(OURS)}
    assert len(ours) == 7
    for (method, path), op in ours.items():
        assert op.get("summary") and {"401", "403", "422"} <= set(op["responses"]), f"{method} {path}"
        if "requestBody" in op:
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            body = spec["components"]["schemas"][name]
            assert body["examples"] and body["additionalProperties"] is False, f"{method} {path}"
    application = request_example(spec, "post", "/elders")
    assert application is not None
    eid = (await eldercare.post("/elders", application, expect=201)).json()["elder_id"]
    roll = request_example(spec, "post", "/elders/imports")
    assert (await eldercare.post("/elders/imports", roll, expect=201)).json()["already_registered"] == 1
    move = request_example(spec, "post", "/elders/{elder_id}/moves")
    await eldercare.post(f"/elders/{eid}/moves", move, expect=201)
    proof = request_example(spec, "post", "/elders/{elder_id}/proof-of-life")
    await eldercare.post(f"/elders/{eid}/proof-of-life", proof, expect=201)


async def test_anonymous_callers_get_401_and_roles_not_named_403(eldercare: Running) -> None:
    written = await eldercare.fetchval("SELECT count(*) FROM events")
    routes = [(m, p) for m, p, _ in route_permissions(eldercare.service.app()) if p.startswith(OURS)]
    assert len(routes) == 7
    for method, path in routes:
        url = path.replace("{elder_id}", "a" * 26)
        refused(await eldercare.request(method.upper(), url, anonymous=True), 401, "unauthenticated")
    operator = eldercare.as_caller("operator")
    for path in ("/elders", ELDER):
        refused(await eldercare.request("GET", path, headers=operator), 403, "role_not_permitted")
    caseworker = eldercare.as_caller("township-caseworker", division="330727101")
    refused(
        await eldercare.post("/allowance-checks", {"on": "2026-03-02"}, headers=caseworker),
        403,
        "role_not_permitted",
    )
    assistant = eldercare.as_caller("village-assistant", division="330727101201")
    body = {"resident_id": "330727194403050014", "residence": "330727101201"}
    refused(await eldercare.post("/elders", body, headers=assistant), 403, "role_not_permitted")
    refused(
        await eldercare.post("/elders/imports", {"rows": [body]}, headers=assistant),
        403,
        "role_not_permitted",
    )
    assert await eldercare.fetchval("SELECT count(*) FROM events") == written
