"""Every route declares a permission: the enumeration finds routes of included routers too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI

from minzheng_eventstore.access import Policy, permit, route_permission, routes_without_permission
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.identity import Role


def test_routes_without_a_permission_are_found_in_included_routers() -> None:
    router = APIRouter()

    @router.post("/households")
    async def apply(actor: Annotated[Actor, permit("household.apply")]) -> dict[str, str]:
        return {}

    @router.get("/households")
    async def listing() -> dict[str, str]:
        return {}

    app = FastAPI()
    app.include_router(router)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {}

    assert routes_without_permission(app) == ["GET,HEAD /households"] or routes_without_permission(app) == [
        "GET /households"
    ]


def test_a_policy_names_the_roles_of_each_permission_and_the_kits_own() -> None:
    policy = Policy({"household.apply": {Role.VILLAGE_ASSISTANT}})
    assert policy.roles("household.apply") == {Role.VILLAGE_ASSISTANT}
    assert policy.roles("operations.metrics") == {Role.OPERATOR}
    assert "household.approve" not in policy
    router = APIRouter()

    @router.post("/x")
    async def x(actor: Annotated[Actor, permit("household.apply")]) -> None:
        return None

    assert route_permission(router.routes[0]) == "household.apply"  # type: ignore[arg-type]
