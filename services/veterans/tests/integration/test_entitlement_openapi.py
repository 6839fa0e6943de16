"""The entitlement routes in the OpenAPI document: every operation described, typed, with an
example body that refuses extra fields and the refusals documented; one permission per route, no
token 401 before the input is looked at, roles the table does not name 403; the documented example
bodies are accepted as they stand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minzheng_eventstore.access import route_permissions, routes_without_permission
from minzheng_eventstore.testing import refused
from minzheng_veterans.application.pensions.standards import load_pension_standards

if TYPE_CHECKING:
    from conftest import Running

OURS = ("/entitlements", "/entitlement-transfers-in")
PAYMENTS = "/entitlements/{entitlement_id}/payments"  # the pensions area's
ROUTES = {
    ("post", "/entitlements"): "entitlement.decide",
    ("post", "/entitlement-transfers-in"): "entitlement.decide",
    ("post", "/entitlements/{entitlement_id}/cancellation"): "entitlement.decide",
    ("post", "/entitlements/{entitlement_id}/terms"): "entitlement.file",
    ("post", "/entitlements/{entitlement_id}/suspension"): "entitlement.file",
    ("post", "/entitlements/{entitlement_id}/resumption"): "entitlement.file",
    ("post", "/entitlements/{entitlement_id}/transfer-out"): "entitlement.file",
    ("get", "/entitlements"): "entitlement.read",
    ("get", "/entitlements/{entitlement_id}"): "entitlement.read",
}


def component(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The named schema of a ``$ref`` (every model here is a named component)."""
    return dict(spec["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")])


def ours(path: str) -> bool:
    return path.startswith(OURS) and path != PAYMENTS


async def test_every_operation_is_described_typed_and_documents_its_refusals(veterans: Running) -> None:
    spec = (await veterans.http.get("/openapi.json")).json()
    found = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if ours(path)
    }
    assert set(found) == set(ROUTES)
    for (method, path), op in found.items():
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        [ok] = [s for s in op["responses"] if s.startswith("2")]
        answer = component(spec, op["responses"][ok]["content"]["application/json"]["schema"])
        assert answer.get("properties"), f"{where}: untyped answer"
        for status in ("401", "403", "422"):
            error = op["responses"][status]["content"]["application/json"]["schema"]
            assert "error" in component(spec, error)["properties"], where
        if "requestBody" in op:
            body = component(spec, op["requestBody"]["content"]["application/json"]["schema"])
            assert body.get("examples"), f"{where}: a body without an example"
            assert body.get("additionalProperties") is False, f"{where}: extra fields are not refused"


async def test_one_permission_per_route_and_anonymous_callers_get_401(veterans: Running) -> None:
    app = veterans.service.app()
    assert routes_without_permission(app) == []
    mine = {(m.lower(), p): perm for m, p, perm in route_permissions(app) if ours(p)}
    assert mine == ROUTES
    for method, path in ROUTES:
        url = path.replace("{entitlement_id}", "e1700000-0000-4000-8000-000000000001")
        refused(await veterans.request(method.upper(), url, anonymous=True), 401, "unauthenticated")


async def test_roles_the_table_does_not_name_are_refused_403(veterans: Running) -> None:
    operator = veterans.as_caller("operator")
    refused(await veterans.request("GET", "/entitlements", headers=operator), 403, "role_not_permitted")
    auditor = veterans.as_caller("auditor")
    spec = (await veterans.http.get("/openapi.json")).json()
    example = component(
        spec, spec["paths"]["/entitlements"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
    refused(
        await veterans.post("/entitlements", example["examples"][0], headers=auditor),
        403,
        "role_not_permitted",
    )
    caseworker = veterans.as_caller("township-caseworker")
    url = "/entitlements/e1700000-0000-4000-8000-000000000001/cancellation"
    refused(
        await veterans.post(url, {"reason": "death", "effective_from": "2026-04"}, headers=caseworker),
        403,
        "role_not_permitted",
    )


async def test_the_documented_example_bodies_are_accepted(veterans: Running) -> None:
    await load_pension_standards(veterans.service.context())
    spec = (await veterans.http.get("/openapi.json")).json()

    def example(method: str, path: str) -> Any:
        schema = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        return component(spec, schema)["examples"][0]

    approver = veterans.as_caller("county-approver")
    made = (
        await veterans.post("/entitlements", example("post", "/entitlements"), expect=201, headers=approver)
    ).json()
    eid = made["entitlement_id"]
    await veterans.post(
        "/entitlement-transfers-in",
        example("post", "/entitlement-transfers-in")
        | {"category": "ill_returned", "nature": None, "grade": None},
        expect=201,
        headers=approver,
    )
    caseworker = veterans.as_caller("township-caseworker")
    for step in ("terms", "suspension", "resumption"):
        path = f"/entitlements/{{entitlement_id}}/{step}"
        await veterans.post(
            path.replace("{entitlement_id}", eid), example("post", path), expect=201, headers=caseworker
        )
    path = "/entitlements/{entitlement_id}/transfer-out"
    await veterans.post(
        path.replace("{entitlement_id}", eid), example("post", path), expect=201, headers=caseworker
    )
