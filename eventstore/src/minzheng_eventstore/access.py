"""Who may do what (DESIGN §5b): one policy table per service, one permission per route.

    POLICY = Policy(
        {
            "household.apply": {Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER},
            "household.approve": {Role.COUNTY_APPROVER},
            "standard.set": {Role.STANDARDS_OFFICER},
            ...
        }
    )

    @router.post("/households/{hid}/approval")
    async def approve(hid: UUID, ctx: Ctx, actor: Annotated[Actor, permit("household.approve")]): ...

``permit(name)`` is the route's actor dependency: it verifies the bearer token (401 without a valid
one), checks the caller's roles against the service's table (403 ``role_not_permitted``), and
gives the ``Actor`` whose subject is recorded on every event and whose division bounds what the
route may reach (``actor.require_within(code, field)``; lists filter by ``actor.jurisdiction``).
A route with no ``permit`` is a defect unless it is a declared public probe; ``routes_without_permission``
lists them for the test that enumerates every route.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from minzheng_kernel.errors import Forbidden

from .builder import Actor
from .identity import Principal, Role, Unauthenticated

PUBLIC_PATHS = frozenset({"/health", "/ready"})
"""Liveness and readiness: public, and they reveal no data."""

DOCUMENTATION_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
"""The API's description (no data): readable without a token, so that a browser can show it."""

METRICS_PERMISSION = "operations.metrics"
AUDIT_PERMISSION = "audit.read"
OPERATIONS_READ = "operations.read"
OPERATIONS_REDRIVE = "operations.redrive"
OPERATIONS = {
    METRICS_PERMISSION: frozenset({Role.OPERATOR}),
    AUDIT_PERMISSION: frozenset({Role.AUDITOR}),
    OPERATIONS_READ: frozenset({Role.OPERATOR, Role.AUDITOR}),
    OPERATIONS_REDRIVE: frozenset({Role.OPERATOR}),
}
"""What every service's table holds besides its own permissions (the kit's routes: metrics for the
operator, the audit reads for the auditor, the operations API (``ops_http``) read by both and its
re-drives for the operator)."""


def is_public(path: str) -> bool:
    """The probes and the API's description: reached without a token."""
    return path in PUBLIC_PATHS or path in DOCUMENTATION_PATHS or path.startswith("/static-offline-docs")


_bearer = HTTPBearer(auto_error=False, description="An OIDC access token (JWT) of the county's issuer.")


class Policy:
    """The service's permission table: permission name → the roles that hold it."""

    def __init__(self, table: Mapping[str, Iterable[Role]]) -> None:
        self._table = {**OPERATIONS, **{name: frozenset(roles) for name, roles in table.items()}}

    def roles(self, permission: str) -> frozenset[Role]:
        try:
            return self._table[permission]
        except KeyError:
            raise LookupError(f"permission {permission!r} is not in the service's policy table") from None

    def __iter__(self) -> Any:
        return iter(self._table.items())

    def __contains__(self, permission: object) -> bool:
        return permission in self._table


def permit(permission: str) -> Any:
    """The actor dependency of a route that needs ``permission``."""

    async def caller(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Actor:
        context = request.app.state.context
        principal: Principal | None = getattr(request.state, "principal", None)  # the edge verified it
        if principal is None:
            if credentials is None or credentials.scheme.lower() != "bearer":
                raise Unauthenticated("a bearer token is needed")
            principal = await context.verifier.verify(credentials.credentials)
        allowed = context.policy.roles(permission)
        if not principal.roles & allowed:
            raise Forbidden(
                "role_not_permitted",
                f"{permission} needs one of the roles {', '.join(sorted(allowed))}",
            )
        request.state.principal = principal
        return Actor(
            principal.subject,
            getattr(request.state, "correlation_id", None),
            None,
            principal.division,
            frozenset(principal.roles),
        )

    caller.permission = permission  # type: ignore[attr-defined]
    return Depends(caller)


def route_permission(route: APIRoute) -> str | None:
    """The permission a route declares through ``permit`` (``None`` if it declares none)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        permission = getattr(dependency.call, "permission", None)
        if isinstance(permission, str):
            return permission
        pending.extend(dependency.dependencies)
    return None


def _declared(app: Any) -> Iterator[tuple[str, list[str], str | None]]:
    """``(path, methods, permission or None)`` of every route of ``app``, those of included routers
    too (FastAPI keeps them behind one entry per router)."""
    from fastapi.routing import iter_route_contexts

    for context in iter_route_contexts(app.routes):
        route = context.original_route
        permission = route_permission(route) if isinstance(route, APIRoute) else None
        yield context.path or "", sorted(context.methods or ()), permission


def routes_without_permission(app: Any) -> list[str]:
    """``METHOD path`` of every route that declares no permission and is not public."""
    return [
        f"{','.join(methods or ['*'])} {path}"
        for path, methods, permission in _declared(app)
        if permission is None and not is_public(path)
    ]


def route_permissions(app: Any) -> list[tuple[str, str, str]]:
    """``(method, path, permission)`` of every route that declares one, sorted (method lower-case,
    as in OpenAPI): what the access tests of a service enumerate."""
    return sorted(
        (method.lower(), path, permission)
        for path, methods, permission in _declared(app)
        if permission is not None
        for method in methods
    )
