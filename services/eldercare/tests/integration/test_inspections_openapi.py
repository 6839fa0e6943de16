"""The inspections routes: in the OpenAPI document each with a summary and its refusals, the
request bodies with examples that refuse extra fields, and the documented examples, posted in
order, walk an institution from the inspection to the completed order; every route has a
permission, anonymous callers get 401 and roles the table does not name 403, with nothing written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from minzheng_eldercare.adapters.inspections import http
from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused, request_example
from minzheng_kernel.calendar import CHINA

from .conftest import Running
from .test_inspections_rectification import register

TAG = "inspections and rectification"
PATHS = {
    "{inspection_id}": http.EXAMPLE_INSPECTION,
    "{order_id}": http.EXAMPLE_ORDER,
    "{institution_id}": http.EXAMPLE_INSTITUTION,
}


def url(path: str) -> str:
    for name, value in PATHS.items():
        path = path.replace(name, value)
    return path


def ours(spec: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {
        (m, p): op for p, item in spec["paths"].items() for m, op in item.items() if TAG in op.get("tags", [])
    }


async def test_the_routes_are_documented_and_their_examples_walk_an_order_through(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    routes = ours(spec)
    assert len(routes) == 10
    for (method, path), op in routes.items():
        assert op.get("summary") and {"401", "403", "422"} <= set(op["responses"]), f"{method} {path}"
        if "requestBody" in op:
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            body = spec["components"]["schemas"][name]
            assert body["examples"] and body["additionalProperties"] is False, f"{method} {path}"
    await register(eldercare, http.EXAMPLE_INSTITUTION)
    for path in ("/inspections", "/inspections/{inspection_id}/rectification-orders"):
        await eldercare.post(url(path), request_example(spec, "post", path), expect=201)
    eldercare.clock.set(datetime(2026, 3, 20, 10, 0, tzinfo=CHINA))
    path = "/rectification-orders/{order_id}/reinspections"
    done = (await eldercare.post(url(path), request_example(spec, "post", path), expect=201)).json()
    assert done["status"] == "completed"
    for (method, path), _ in routes.items():
        if method == "get":
            await eldercare.get(url(path))


async def test_anonymous_callers_get_401_and_roles_not_named_403(eldercare: Running) -> None:
    await register(eldercare, http.EXAMPLE_INSTITUTION)
    written = await eldercare.fetchval("SELECT count(*) FROM events")
    spec = (await eldercare.http.get("/openapi.json")).json()
    mine = set(ours(spec))
    routes = [(m, p) for m, p, _ in route_permissions(eldercare.service.app()) if (m, p) in mine]
    assert len(routes) == 10
    for method, path in routes:
        body = request_example(spec, method, path) if method == "post" else None
        response = await eldercare.request(method.upper(), url(path), json=body, anonymous=True)
        refused(response, 401, "unauthenticated")
    operator = eldercare.as_caller("operator")
    auditor = eldercare.as_caller("auditor")
    for method, path in routes:
        body = request_example(spec, method, path) if method == "post" else None
        refused(
            await eldercare.request(method.upper(), url(path), json=body, headers=operator),
            403,
            "role_not_permitted",
        )
        if method == "post":
            response = await eldercare.request(method.upper(), url(path), json=body, headers=auditor)
            refused(response, 403, "role_not_permitted")
    assert await eldercare.fetchval("SELECT count(*) FROM events") == written
