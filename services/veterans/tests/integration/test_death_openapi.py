"""The death-benefit routes: in the OpenAPI document each with a summary and its refusals, the
request bodies with examples that refuse extra fields; every route has a permission, anonymous
callers get 401, roles the table does not name 403 (a waiver the county approver's only), and
nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

OURS = ("/death-cases", "/death-overpayments", "/recovery-tasks")
CASE = "/death-cases/death-x"
TASK = "/recovery-tasks/death-x-e1700000-0000-4000-8000-000000000001-2026-05"
REPAYMENT = {"receipt": "JK1", "amount_fen": 100, "repaid_on": "2026-03-01"}


async def test_the_routes_are_documented_with_their_refusals_and_strict_examples(veterans: Running) -> None:
    spec = (await veterans.http.get("/openapi.json")).json()
    ours = {(m, p): op for p, item in spec["paths"].items() for m, op in item.items() if p.startswith(OURS)}
    assert len(ours) == 10
    for (method, path), op in ours.items():
        assert op.get("summary") and {"401", "403", "422"} <= set(op["responses"]), f"{method} {path}"
        if "requestBody" in op:
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            body = spec["components"]["schemas"][name]
            assert body["examples"] and body["additionalProperties"] is False, f"{method} {path}"


async def test_anonymous_callers_get_401_and_roles_not_named_403(veterans: Running) -> None:
    written = await veterans.fetchval("SELECT count(*) FROM events")
    routes = [(m, p) for m, p, _ in route_permissions(veterans.service.app()) if p.startswith(OURS)]
    assert len(routes) == 10
    for method, path in routes:
        url = path.replace("{case_id}", "death-x").replace("{task_id}", TASK.rsplit("/", 1)[1])
        refused(await veterans.request(method.upper(), url, anonymous=True), 401, "unauthenticated")
    operator = veterans.as_caller("operator")
    for path in ("/death-cases", "/death-overpayments", CASE, "/recovery-tasks", TASK):
        refused(await veterans.request("GET", path, headers=operator), 403, "role_not_permitted")
    auditor = veterans.as_caller("auditor")
    refused(await veterans.post(f"{CASE}/payment", headers=auditor), 403, "role_not_permitted")
    caseworker = veterans.as_caller("township-caseworker", division="330727101")
    refused(await veterans.post(f"{CASE}/payment", headers=caseworker), 403, "role_not_permitted")
    refused(
        await veterans.post(f"{CASE}/payee", {"name": "x", "relation": "child"}, headers=auditor),
        403,
        "role_not_permitted",
    )
    # a repayment: the caseworker and the approver; a waiver: the approver only
    refused(await veterans.post(f"{TASK}/repayments", REPAYMENT, headers=auditor), 403, "role_not_permitted")
    refused(
        await veterans.post(f"{TASK}/waiver", {"reason": "x"}, headers=caseworker), 403, "role_not_permitted"
    )
    refused(
        await veterans.post(f"{TASK}/waiver", {"reason": "x"}, headers=auditor), 403, "role_not_permitted"
    )
    refused(await veterans.post(f"{TASK}/repayments", REPAYMENT, headers=caseworker), 404, "task_not_found")
    assert await veterans.fetchval("SELECT count(*) FROM events") == written
