"""Who may do what in the places area: every route of the area declares a permission of its table,
and each role the table does not name for it is refused 403 ``role_not_permitted`` with nothing
written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eventstore.access import route_permissions
from minzheng_eventstore.identity import Role
from minzheng_eventstore.testing import refused, request_example
from minzheng_registry.adapters.places import PERMISSIONS

if TYPE_CHECKING:
    from conftest import Running

PATH_VALUES = {
    "code": "330727101",
    "place_id": "5f0c1a9e-0000-4000-8000-000000000001",
    "road_id": "5f0c1a9e-0000-4000-8000-000000000001",
    "number": "5",
}


async def test_each_role_the_table_does_not_name_is_refused(registry: Running) -> None:
    spec = (await registry.http.get("/openapi.json")).json()
    ours = [(m, p, perm) for m, p, perm in route_permissions(registry.service.app()) if perm in PERMISSIONS]
    assert {perm for _, _, perm in ours} == set(PERMISSIONS)
    before = await registry.fetchval("SELECT count(*) FROM events")
    checked = 0
    for method, path, permission in ours:
        url = path.format(**PATH_VALUES)
        body = request_example(spec, method, path) if method == "post" else None
        for role in set(Role) - PERMISSIONS[permission]:
            headers = registry.as_caller(role.value)
            if method == "post":
                answer = await registry.post(url, body, headers=headers)
            else:
                answer = await registry.get(url, headers=headers, expect=None)
            refused(answer, 403, "role_not_permitted")
            checked += 1
    assert checked > 50
    assert await registry.fetchval("SELECT count(*) FROM events") == before


def test_the_table() -> None:
    assert PERMISSIONS["place.propose"] == {Role.TOWNSHIP_CASEWORKER}
    assert PERMISSIONS["place.review"] == {Role.TOWNSHIP_REVIEWER}
    assert PERMISSIONS["place.approve"] == {Role.COUNTY_APPROVER}
    assert PERMISSIONS["division.record"] == {Role.STANDARDS_OFFICER}
    assert Role.OPERATOR not in PERMISSIONS["place.read"] and Role.PROVINCIAL in PERMISSIONS["place.read"]
