"""The edge guard: what no service accepts, checked once for every route before any handler runs.

- with an authenticator (every service), a request without a bearer token that verifies is refused
  with 401 before anything else, so that an anonymous caller learns nothing about the input rules;
- a body over ``max_body`` bytes is refused with 413 *before* it is read whole (a 100 MB body is not
  parsed to be refused);
- text that PostgreSQL cannot store or that deceives a reader is refused with 422
  ``forbidden_character``, naming the field: NUL and other control characters (tab and line breaks
  are allowed), bidi overrides and isolates (U+202A–202E, U+2066–2069, U+200E/F, U+061C) and
  zero-width characters (U+200B–200D, U+2060, U+FEFF), in the body, the query and the path;
- a body that is not JSON is refused with 400 ``invalid_json`` (in the one error shape, not
  FastAPI's own);
- a JSON integer outside PostgreSQL's ``bigint`` (±9.2·10¹⁸) is refused with 422
  ``integer_out_of_range``, naming the field: no amount, quantity or count can overflow a column.

Field models bound each value more tightly (the services' pydantic models); this is the floor
under all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

import jwt
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .errors_api import error_response

log = structlog.get_logger("minzheng.edge")

MAX_BODY = 1024 * 1024
"""Default limit of a request body (bytes): a household of 50 members is a few kilobytes."""

BIGINT = 2**63 - 1
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]"
)


Authenticate = Callable[[str], Awaitable[Any]]
"""Verifies a bearer token and returns the caller (``TokenVerifier.verify``); raises to refuse."""


class EdgeGuard:
    """ASGI middleware applying the rules above. With ``authenticate``, a request to anything but
    the public probes and the API's description is first authenticated: without a bearer token
    that verifies it is refused with 401 before any of its input is looked at, and the verified
    caller is left in ``scope["state"]["principal"]`` for the route's ``permit`` (which checks the
    role)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int = MAX_BODY,
        authenticate: Authenticate | None = None,
        public: Callable[[str], bool] = lambda path: False,
        service: str = "",
    ) -> None:
        """``service`` labels the token failures counted (``metrics.TOKEN_FAILURES``)."""
        self.app = app
        self.service = service
        self.max_body = max_body
        self.authenticate = authenticate
        self.public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.authenticate is not None and not self.public(scope.get("path", "")):
            principal, reason = await self._caller(scope)
            if principal is None:
                metrics.TOKEN_FAILURES.labels(self.service, reason).inc()
                log.warning(
                    "access.denied",
                    status=401,
                    code="unauthenticated",
                    reason=reason,
                    method=scope.get("method"),
                )
                await _refuse(
                    scope,
                    send,
                    401,
                    "unauthenticated",
                    "a bearer token that verifies is needed",
                    None,
                    {"www-authenticate": "Bearer"},
                )
                return
            scope.setdefault("state", {})["principal"] = principal
        problem = _check_url(scope)
        if problem is not None:
            await _refuse(scope, send, 422, *problem)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._too_large(scope, send)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await self._too_large(scope, send)
                return
        problem = _check_json(bytes(body)) if _is_json(scope) else None
        if problem is not None:
            await _refuse(scope, send, 400 if problem[0] == "invalid_json" else 422, *problem)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await _refuse(scope, send, 413, "body_too_large", f"the body is over {self.max_body:,} bytes", None)

    async def _caller(self, scope: Scope) -> tuple[Any, str]:
        """The verified caller, or ``None`` and why not: ``missing`` (no bearer token),
        ``expired`` or ``invalid`` (it does not verify)."""
        assert self.authenticate is not None
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if not token.strip():  # no header value, or ``Bearer`` alone
                    return None, "missing" if scheme.lower() in ("", "bearer") else "invalid"
                if scheme.lower() != "bearer":
                    return None, "invalid"
                try:
                    return await self.authenticate(token.strip()), ""
                except Exception as exc:
                    return None, failure_reason(exc)
        return None, "missing"


def failure_reason(exc: BaseException) -> str:
    """``expired`` for a token past its ``exp`` (the verifier's refusal keeps PyJWT's error as its
    context), else ``invalid``: the ``reason`` of ``metrics.TOKEN_FAILURES``."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, jwt.ExpiredSignatureError):
            return "expired"
        seen = seen.__cause__ or seen.__context__
    return "invalid"


Problem = tuple[str, str, str | None]


def _check_url(scope: Scope) -> Problem | None:
    if FORBIDDEN.search(unquote(scope.get("path", ""))):
        return "forbidden_character", "the path holds a control, bidi or zero-width character", "path"
    raw = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if FORBIDDEN.search(key) or FORBIDDEN.search(value):
            return "forbidden_character", "a control, bidi or zero-width character is not allowed", key
    return None


def _check_json(body: bytes) -> Problem | None:
    if not body:
        return None
    try:
        document = json.loads(body)  # stdlib: exact integers of any size, so they can be bounded
    except (ValueError, RecursionError):
        return "invalid_json", "the body is not JSON (UTF-8)", None
    for path, value in _leaves(document, ()):
        field = ".".join(str(p) for p in path) or None
        if isinstance(value, str) and FORBIDDEN.search(value):
            return "forbidden_character", "a control, bidi or zero-width character is not allowed", field
        if isinstance(value, int) and not isinstance(value, bool) and not -BIGINT - 1 <= value <= BIGINT:
            return "integer_out_of_range", "the number is out of range", field
    return None


def _leaves(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if FORBIDDEN.search(key):
                yield (*path, "(key)"), key
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI reads a body without a content type as JSON too


async def _refuse(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    message: str,
    field: str | None,
    headers: dict[str, str] | None = None,
) -> None:
    await error_response(status, code, message, field, headers)(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
