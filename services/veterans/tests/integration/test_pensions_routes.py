"""The pension routes: each described and permitted in the OpenAPI document, 401 with no token,
403 for a role the table does not name, bad input 4xx naming the field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

OURS = ("/pension-runs", "/pension-ledger", "/entitlements/{entitlement_id}/payments")
PERMISSIONS = {
    ("post", "/pension-runs"): "pension.run",
    ("get", "/pension-runs/{period}"): "pension.read",
    ("get", "/entitlements/{entitlement_id}/payments"): "pension.read",
    ("get", "/pension-ledger"): "pension.ledger",
}


async def test_each_route_is_described_permitted_and_refused_without_a_token(veterans: Running) -> None:
    spec = (await veterans.http.get("/openapi.json")).json()
    ops = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if path.startswith(OURS)
    }
    assert set(ops) == set(PERMISSIONS)
    for where, op in ops.items():
        assert op.get("summary") and op.get("description"), where
        assert {"401", "403"} <= set(op["responses"]), where
    declared = {
        (m, p): perm for m, p, perm in route_permissions(veterans.service.app()) if p.startswith(OURS)
    }
    assert declared == PERMISSIONS
    for method, path in PERMISSIONS:
        url = path.replace("{period}", "2026-03").replace("{entitlement_id}", "e1")
        refused(await veterans.request(method.upper(), url, anonymous=True), 401, "unauthenticated")


async def test_roles_outside_the_table_are_refused_and_bad_input_names_the_field(veterans: Running) -> None:
    operator = veterans.as_caller("operator")
    for method, path in PERMISSIONS:
        url = path.replace("{period}", "2026-03").replace("{entitlement_id}", "e1")
        refused(await veterans.request(method.upper(), url, headers=operator), 403, "role_not_permitted")
    refused(await veterans.get("/pension-ledger", expect=None, period="2026-13"), 422, "invalid_input")
    refused(await veterans.get("/pension-runs/26-03", expect=None), 422, "invalid_input")
    # a year Period does not take is refused as input (was a 500, found by the fuzz)
    early = await veterans.get("/pension-ledger", expect=None, period="1244-12")
    refused(early, 422, "invalid_input", "period")
    refused(await veterans.get("/pension-runs/0695-06", expect=None), 422, "invalid_input", "period")
    refused(await veterans.get(f"/entitlements/{'x' * 65}/payments", expect=None), 422, "invalid_input")
    refused(await veterans.post("/pension-runs", {"period": "2026-03", "extra": 1}), 422, "invalid_input")
