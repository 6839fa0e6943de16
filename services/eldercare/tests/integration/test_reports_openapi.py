"""The reports routes: in the OpenAPI document each with a summary and its refusals, the request
bodies with examples that refuse extra fields and are accepted as documented; every route has a
permission, anonymous callers get 401, the operator 403, with nothing written."""

from __future__ import annotations

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused, request_example

from .conftest import Running

OURS = "/reports"


async def test_the_routes_are_documented_and_their_examples_accepted(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    ours = {(m, p): op for p, item in spec["paths"].items() for m, op in item.items() if p.startswith(OURS)}
    assert len(ours) == 8
    for (method, path), op in ours.items():
        assert op.get("summary") and {"401", "403", "422"} <= set(op["responses"]), f"{method} {path}"
        if "requestBody" in op:
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            body = spec["components"]["schemas"][name]
            assert body["examples"] and body["additionalProperties"] is False, f"{method} {path}"
    for path in ("/reports/returns", "/reports/population"):
        example = request_example(spec, "post", path)
        assert example is not None
        await eldercare.post(path, example, expect=201)


async def test_anonymous_callers_get_401_and_the_operator_403(eldercare: Running) -> None:
    routes = [(m, p) for m, p, _ in route_permissions(eldercare.service.app()) if p.startswith(OURS)]
    assert len(routes) == 8
    for method, path in routes:
        url = path.replace("{return_id}", "r-1")
        refused(await eldercare.request(method.upper(), url, anonymous=True), 401, "unauthenticated")
    operator = eldercare.as_caller("operator")
    for path in ("/reports/beds", "/reports/allowance", "/reports/returns"):
        refused(await eldercare.request("GET", path, headers=operator), 403, "role_not_permitted")
    assert await eldercare.fetchval("SELECT count(*) FROM events WHERE stream_type LIKE 'statistical%'") == 0
