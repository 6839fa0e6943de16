"""The HTTP face of a service host: lifespan, errors as data, health, readiness, metrics."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi_offline import FastAPIOffline
from opentelemetry import trace
from prometheus_client import generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from minzheng_kernel.errors import Forbidden

from . import metrics as counters
from . import scrape
from .access import METRICS_PERMISSION, is_public, permit
from .edge import MAX_BODY, EdgeGuard, failure_reason
from .errors import (
    ConcurrencyError,
    Conflict,
    DomainError,
    EventIdConflictError,
    EventStoreError,
    InvalidEventError,
    NotFound,
    StoreUnavailableError,
    UnpublishableEventError,
)
from .errors_api import error_response, refusals
from .identity import Unauthenticated
from .observability import continued_trace

if TYPE_CHECKING:
    from .context import ServiceContext
    from .host import ServiceHost

log = structlog.get_logger("minzheng.http")
tracer = trace.get_tracer("minzheng.http")


_error = error_response


def _field_path(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def _route_of(request: Request) -> str:
    """The route's path template (``/households/{hid}``), not the path: ids stay out of the log."""
    route = request.scope.get("route")
    return str(getattr(route, "path", None) or "(no route)")


COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def command_of(app: Any, request: Request) -> str:
    """``METHOD /route/template`` of a command: the route it reached, or (refused before routing,
    at the edge) the route it would have reached; ``(no route)`` for a path no route serves."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if path is None:
        from fastapi.routing import iter_route_contexts

        wanted = request.scope.get("path", "")
        for context in iter_route_contexts(app.routes):
            regex = getattr(context, "path_regex", None)
            if regex is not None and request.method in (context.methods or ()) and regex.match(wanted):
                path = context.path
                break
    return f"{request.method} {path or '(no route)'}"


def outcome_of(status: int) -> str:
    """A command's outcome by its status: ``ok`` (below 400), ``refused`` (4xx), ``error`` (5xx)."""
    return "ok" if status < 400 else "refused" if status < 500 else "error"


def status_of(exc: DomainError) -> int:
    """The HTTP status of a domain refusal, from its class: the domain never names one."""
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 422


def build_app(
    host: ServiceHost,
    *,
    title: str,
    version: str,
    routers: Sequence[Any],
    description: str = "",
    context: ServiceContext | None = None,
    max_body: int = MAX_BODY,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await host.start()
        try:
            yield
        finally:
            await host.stop()

    # /docs and /redoc with their assets served by the service itself: a county intranet has no CDN
    # FastAPI's own telemetry is off: the request span is ours (named by the route's template,
    # continuing a caller's traceparent), and its logs would record validation failures with the
    # input, which may hold a resident ID, outside the masking of our logs (DESIGN §5b)
    app = FastAPIOffline(
        title=title,
        version=version,
        description=description,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.add_middleware(
        EdgeGuard,
        max_body=max_body,
        authenticate=None if context is None else context.verifier.verify,
        public=is_public,
        service=host.service,
    )
    app.state.host = host
    if context is not None:
        app.state.context = context

    @app.middleware("http")
    async def correlate(request: Request, call_next: Any) -> Any:
        raw = request.headers.get("x-correlation-id")
        try:
            correlation_id = uuid.UUID(raw) if raw else uuid.uuid4()
        except ValueError:
            correlation_id = uuid.uuid4()
        request.state.correlation_id = correlation_id
        structlog.contextvars.bind_contextvars(correlation_id=str(correlation_id))
        status = 500  # unless a response comes back: an error no handler turned into one
        try:
            # named by the route's template once routed, never by the path: a path may hold an id
            # (a resident ID in /people/{resident_id}/…) and traces leave the service
            # a caller's W3C traceparent (a provincial system, the console) is continued
            with (
                continued_trace(request.headers.get("traceparent")),
                tracer.start_as_current_span(f"{request.method}", kind=trace.SpanKind.SERVER) as span,
            ):
                response = await call_next(request)
                status = response.status_code
                span.update_name(f"{request.method} {_route_of(request)}")
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id")
            if request.method in COMMAND_METHODS:
                command = command_of(app, request)
                counters.COMMANDS.labels(host.service, command, outcome_of(status)).inc()
        response.headers["x-correlation-id"] = str(correlation_id)
        return response

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, Forbidden):  # an access decision: logged (who, what, why; no data)
            counters.PERMISSION_REFUSALS.labels(host.service, exc.code).inc()
            principal = getattr(request.state, "principal", None)
            log.warning(
                "access.denied",
                status=403,
                code=exc.code,
                method=request.method,
                route=_route_of(request),
                subject=getattr(principal, "subject", None),
                division=getattr(principal, "division", None),
            )
        return _error(status_of(exc), exc.code, exc.message, exc.field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # an unknown path or method: the one error shape too, not Starlette's {"detail": …}
        codes = {404: "not_found", 405: "method_not_allowed"}
        response = _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, exc: Unauthenticated) -> JSONResponse:
        given = request.headers.get("authorization", "").partition(" ")[2].strip()
        reason = failure_reason(exc) if given else "missing"
        counters.TOKEN_FAILURES.labels(host.service, reason).inc()
        log.warning(
            "access.denied",
            status=401,
            code="unauthenticated",
            reason=reason,
            method=request.method,
            route=_route_of(request),
        )
        response = _error(401, "unauthenticated", str(exc))
        response.headers["www-authenticate"] = "Bearer"
        return response

    @app.exception_handler(UnpublishableEventError)
    async def unpublishable(_: Request, exc: UnpublishableEventError) -> JSONResponse:
        # the command would record an event that its contract refuses: nothing was written
        return _error(422, "unpublishable_event", str(exc), exc.field)

    @app.exception_handler(EventIdConflictError)
    async def id_reused(_: Request, exc: EventIdConflictError) -> JSONResponse:
        return _error(409, "id_reused", "this id was already used for a different request")

    @app.exception_handler(RequestValidationError)
    async def invalid_input(_: Request, exc: RequestValidationError) -> JSONResponse:
        # The offending *input* is never echoed back: it may be a resident ID.
        details = [
            {"field": _field_path(e["loc"]), "message": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        first = details[0] if details else {"field": None, "message": "invalid input"}
        return _error(422, "invalid_input", str(first["message"]), first["field"], details=details)

    @app.exception_handler(ConcurrencyError)
    async def concurrent(_: Request, exc: ConcurrencyError) -> JSONResponse:
        return _error(409, "concurrent_change", "the record changed while this command ran; try again")

    @app.exception_handler(InvalidEventError)
    async def invalid_event(_: Request, exc: InvalidEventError) -> JSONResponse:
        return _error(422, "invalid_event", str(exc))

    @app.exception_handler(StoreUnavailableError)
    async def unavailable(_: Request, exc: StoreUnavailableError) -> JSONResponse:
        return _error(
            503, "store_unavailable", "the database is not reachable; nothing was changed, try again"
        )

    async def connection_lost(_: Request, exc: Exception) -> JSONResponse:
        log.warning("http.database_unreachable", error_type=type(exc).__name__)
        return _error(503, "store_unavailable", "the database is not reachable; try again")

    for kind in (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, ConnectionError):
        app.add_exception_handler(kind, connection_lost)

    @app.exception_handler(EventStoreError)
    async def store_error(_: Request, exc: EventStoreError) -> JSONResponse:
        return _error(409, "store_refused", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("http.unexpected_error", error_type=type(exc).__name__)
        return _error(
            500, "internal_error", "the service could not complete this request; nothing was changed"
        )

    @app.get("/health", tags=["operations"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": host.service}

    @app.get("/ready", tags=["operations"])
    async def ready() -> JSONResponse:
        checks = await host.ready()
        return JSONResponse(status_code=200 if checks["ready"] else 503, content=checks)

    guarded = [permit(METRICS_PERMISSION)] if context is not None else []

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse, dependencies=guarded)
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(
            generate_latest(await scrape.collect(host)).decode(), media_type="text/plain; version=0.0.4"
        )

    for router in routers:
        app.include_router(router, responses=refusals(413, 422, 503))
    _document_errors_as_sent(app)
    return app


def _document_errors_as_sent(app: FastAPI) -> None:
    """FastAPI documents its own 422 body (``HTTPValidationError``) on every route; ours is
    ``ErrorResponse``: put the shape the service really sends in its place."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            ours = {"$ref": "#/components/schemas/ErrorResponse"}
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    invalid = operation.get("responses", {}).get("422")
                    if invalid is not None:
                        invalid["content"] = {"application/json": {"schema": ours}}
                        invalid["description"] = refusals(422)[422]["description"]
            components = schema.get("components", {}).get("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
