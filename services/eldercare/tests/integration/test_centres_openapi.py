"""The centres and subsidies routes in the OpenAPI document: every operation described, typed,
with an example body that refuses extra fields and the refusals documented; every route has a
permission and refuses an anonymous caller 401; a role the table does not name gets 403; the
documented examples walk a centre from its plan to its first subsidy."""

from __future__ import annotations

from typing import Any

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused, request_example

from .conftest import Running

OURS = ("/care-centres", "/subsidy-rounds", "/subsidies")
PRIVATE = "/institutions/{institution_id}/operating-subsidies"


def ours(path: str) -> bool:
    return path.startswith(OURS) or path == PRIVATE


def component(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    name: str = schema["$ref"].rsplit("/", 1)[1]
    return dict(spec["components"]["schemas"][name])


async def test_every_operation_is_described_typed_and_documents_its_refusals(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    operations = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if ours(path)
    }
    assert len(operations) == 13
    for (method, path), op in operations.items():
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        [ok] = [s for s in op["responses"] if s.startswith("2")]
        answer = component(spec, op["responses"][ok]["content"]["application/json"]["schema"])
        assert answer.get("properties"), f"{where}: untyped answer"
        for status in ("401", "403", "422"):
            error = component(spec, op["responses"][status]["content"]["application/json"]["schema"])
            assert "error" in error["properties"], where
        if "requestBody" in op:
            body = component(spec, op["requestBody"]["content"]["application/json"]["schema"])
            assert body.get("examples"), f"{where}: a body without an example"
            assert body.get("additionalProperties") is False, f"{where}: extra fields are not refused"


async def test_every_route_has_a_permission_and_anonymous_callers_get_401(eldercare: Running) -> None:
    routes = [(m, p, perm) for m, p, perm in route_permissions(eldercare.service.app()) if ours(p)]
    assert len(routes) == 13
    assert all(perm for _, _, perm in routes)
    for method, path, _ in routes:
        url = path.replace("{", "").replace("}", "")
        refused(await eldercare.request(method.upper(), url, anonymous=True), 401, "unauthenticated")


async def test_roles_the_table_does_not_name_are_refused_403(eldercare: Running) -> None:
    operator = eldercare.as_caller("operator")
    for path in ("/care-centres", "/subsidies", "/subsidies/totals"):
        refused(await eldercare.request("GET", path, headers=operator), 403, "role_not_permitted")
    auditor = eldercare.as_caller("auditor")
    refused(await eldercare.post("/subsidy-rounds", {}, headers=auditor), 403, "role_not_permitted")
    refused(
        await eldercare.post(PRIVATE.replace("{institution_id}", "x"), {}, headers=auditor),
        403,
        "role_not_permitted",
    )


async def test_the_documented_examples_walk_a_centre_to_its_first_subsidy(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()

    def example(path: str) -> dict[str, Any]:
        body = request_example(spec, "post", path)
        assert body is not None, path
        return body

    planned = (await eldercare.post("/care-centres", example("/care-centres"), expect=201)).json()
    cid = planned["centre_id"]
    for step in ("built", "accepted", "operating"):
        path = f"/care-centres/{{centre_id}}/{step}"
        await eldercare.post(path.replace("{centre_id}", cid), example(path), expect=201)
    await eldercare.post("/subsidy-rounds", example("/subsidy-rounds"), expect=201)
    path = "/care-centres/{centre_id}/subsidies"
    paid = await eldercare.post(path.replace("{centre_id}", cid), example(path), expect=201)
    assert paid.json()["centre_id"] == cid
    await eldercare.post(
        "/institutions",
        {
            "institution_id": "private-example",
            "name": "某民办养老院",
            "kind": "private",
            "township": "330727101",
            "beds": 40,
            "model": "private",
            "registered_on": "2025-06-01",
        },
        expect=201,
    )
    got = await eldercare.post(
        PRIVATE.replace("{institution_id}", "private-example"), example(PRIVATE), expect=201
    )
    assert got.json()["total_fen"] == 620_000
