"""The payments and insurance routes in the OpenAPI document: every operation described, typed,
with an example body that refuses extra fields and the refusals documented; every route has a
permission and refuses an anonymous caller 401."""

from __future__ import annotations

from typing import Any

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused, request_example

from .conftest import Running

OURS = ("/allowance-runs", "/allowance-payments", "/allowance-overpayments", "/insurance-enrolments")


def component(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in schema:  # a list of a component
        schema = schema["items"]
    name: str = schema["$ref"].rsplit("/", 1)[1]
    return dict(spec["components"]["schemas"][name])


async def test_every_operation_is_described_typed_and_documents_its_refusals(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    operations = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if path.startswith(OURS)
    }
    assert len(operations) == 6
    for (method, path), op in operations.items():
        where = f"{method.upper()} {path}"
        assert op.get("summary") and op.get("description"), where
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
    routes = [(m, p, perm) for m, p, perm in route_permissions(eldercare.service.app()) if p.startswith(OURS)]
    assert len(routes) == 6
    assert all(perm for _, _, perm in routes)
    for method, path, _ in routes:
        url = path.replace("{period}", "2026-03")
        refused(await eldercare.request(method.upper(), url, anonymous=True), 401, "unauthenticated")


async def test_the_documented_examples_are_accepted(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    run = request_example(spec, "post", "/allowance-runs")
    assert (await eldercare.post("/allowance-runs", run, expect=201)).json()["period"] == "2026-03"
    enrol = request_example(spec, "post", "/insurance-enrolments")
    assert (await eldercare.post("/insurance-enrolments", enrol, expect=201)).json()["policy_year"] == 2027
