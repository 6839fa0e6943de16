"""The first hour, for every area of the registry: every operation is described, typed, declares
its one permission and documents its refusals; with no token every operation is refused 401
before its input is looked at; a role the table does not name gets 403."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minzheng_eventstore.access import route_permissions, routes_without_permission
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


async def test_every_operation_is_described_typed_and_documents_its_refusals(registry: Running) -> None:
    spec = (await registry.http.get("/openapi.json")).json()
    ours = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if not path.startswith(("/health", "/ready", "/metrics"))
    }
    assert len(ours) >= 3
    for (method, path), op in ours.items():
        where = f"{method.upper()} {path}"
        assert op.get("summary") and len(op.get("description", "")) > 20, where
        ok = [s for s in op["responses"] if s.startswith("2")]
        assert ok, where
        if ok[0] != "204":
            schema = op["responses"][ok[0]]["content"]["application/json"]["schema"]
            schema = resolve(spec, schema)
            assert schema.get("properties") or schema.get("items"), f"{where}: untyped answer"
        for status in ("401", "403", "422"):
            error = op["responses"][status]["content"]["application/json"]["schema"]
            assert "error" in resolve(spec, error)["properties"], (where, status)
        if "requestBody" in op:
            body = resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])
            assert body.get("examples"), f"{where}: a body without an example"
            assert body.get("additionalProperties") is False, f"{where}: extra fields are not refused"


async def test_every_route_declares_a_permission_and_anonymous_callers_get_401(registry: Running) -> None:
    app = registry.service.app()
    assert routes_without_permission(app) == []
    for method, path, _ in route_permissions(app):
        url = path.replace("{", "").replace("}", "")  # any value: the edge refuses before the input
        response = await registry.request(method.upper(), url, anonymous=True)
        refused(response, 401, "unauthenticated")


async def test_a_role_the_table_does_not_name_is_refused_403(registry: Running) -> None:
    operator = registry.as_caller("operator")
    refused(await registry.request("GET", "/standards", headers=operator), 403, "role_not_permitted")
