"""The conscripts, placement and aid routes in the OpenAPI document: every operation described,
typed, with an example body that refuses extra fields and the refusals documented; with no token
each is refused 401 before its input is looked at; a role the table does not name gets 403; and the
example bodies are accepted as they are documented."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minzheng_eventstore.access import route_permissions, routes_without_permission
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

OURS = ("/soldiers", "/conscript", "/aid/")


def component(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The named schema a ``$ref`` points to (our models are all named components)."""
    name: str = schema["$ref"].rsplit("/", 1)[1]
    return dict(spec["components"]["schemas"][name])


async def test_every_operation_is_described_typed_and_documents_its_refusals(veterans: Running) -> None:
    spec = (await veterans.http.get("/openapi.json")).json()
    ours = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if path.startswith(OURS)
    }
    assert len(ours) == 22
    for (method, path), op in ours.items():
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        [ok] = [s for s in op["responses"] if s.startswith("2")]
        answer = component(spec, op["responses"][ok]["content"]["application/json"]["schema"])
        assert answer.get("properties"), f"{where}: untyped answer"
        refusals = {
            s: op["responses"][s]["content"]["application/json"]["schema"] for s in ("401", "403", "422")
        }
        assert all("error" in component(spec, e)["properties"] for e in refusals.values()), where
        if "requestBody" in op:
            body = component(spec, op["requestBody"]["content"]["application/json"]["schema"])
            assert body.get("examples"), f"{where}: a body without an example"
            assert body.get("additionalProperties") is False, f"{where}: extra fields are not refused"


async def test_every_route_declares_a_permission_and_anonymous_callers_get_401(veterans: Running) -> None:
    app = veterans.service.app()
    assert routes_without_permission(app) == []
    routes = [(m, p) for m, p, _ in route_permissions(app) if p.startswith(OURS)]
    assert len(routes) == 22
    for method, path in routes:
        url = path.replace("{", "").replace("}", "")
        refused(await veterans.request(method.upper(), url, anonymous=True), 401, "unauthenticated")


async def test_roles_the_table_does_not_name_are_refused_403(veterans: Running) -> None:
    operator = veterans.as_caller("operator")
    for path in ("/soldiers", "/conscripts", "/aid/grants"):
        refused(await veterans.request("GET", path, headers=operator), 403, "role_not_permitted")
    auditor = veterans.as_caller("auditor")
    refused(
        await veterans.post("/conscript-allowance-runs", {"period": "2026-03"}, headers=auditor),
        403,
        "role_not_permitted",
    )
