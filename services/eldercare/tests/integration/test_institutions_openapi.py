"""The institutions area's routes: in the OpenAPI document each with a summary and its refusals,
the request bodies strict with examples that validate; every route has a permission, anonymous
callers get 401, roles the table does not name 403, and nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eldercare.adapters.institutions import models
from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

BODIES = (
    models.RegistrationIn,
    models.BedsIn,
    models.AdmissionIn,
    models.LeaveIn,
    models.ReturnIn,
    models.VisitIn,
    models.DischargeIn,
    models.UnregisteredIn,
    models.CaseRegisteredIn,
    models.CaseClosedDownIn,
)
FILL = {
    "{institution_id}": "jly-330727101",
    "{residency_id}": "5e5d0000-0000-4000-8000-000000000001",
    "{case_id}": "5e5d0000-0000-4000-8000-00000000ca5e",
}


def ours(e: Running) -> list[tuple[str, str, str]]:
    return [r for r in route_permissions(e.service.app()) if (r[2] or "").startswith("institutions.")]


def url(path: str) -> str:
    for name, value in FILL.items():
        path = path.replace(name, value)
    return path


async def test_the_routes_are_documented_with_their_refusals_and_strict_examples(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    routes = ours(eldercare)
    assert len(routes) == 17
    for method, path, _ in routes:
        op = spec["paths"][path][method.lower()]
        assert op.get("summary") and {"401", "403", "422"} <= set(op["responses"]), f"{method} {path}"
        if "requestBody" in op:
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            body = spec["components"]["schemas"][name]
            assert body["examples"] and body["additionalProperties"] is False, f"{method} {path}"
    for model in BODIES:
        examples = model.model_config["json_schema_extra"]["examples"]  # type: ignore[index]
        for example in examples:  # type: ignore[union-attr]
            model.model_validate(example)


async def test_anonymous_callers_get_401_and_roles_not_named_403_with_nothing_written(
    eldercare: Running,
) -> None:
    written = await eldercare.fetchval("SELECT count(*) FROM events")
    for method, path, _ in ours(eldercare):
        refused(await eldercare.request(method.upper(), url(path), anonymous=True), 401, "unauthenticated")
    operator = eldercare.as_caller("operator")
    auditor = eldercare.as_caller("auditor")
    for method, path, permission in ours(eldercare):
        refused(
            await eldercare.request(method.upper(), url(path), headers=operator), 403, "role_not_permitted"
        )
        if permission != "institutions.read":
            response = await eldercare.request(method.upper(), url(path), headers=auditor, json={})
            refused(response, 403, "role_not_permitted")
    assert await eldercare.fetchval("SELECT count(*) FROM events") == written
