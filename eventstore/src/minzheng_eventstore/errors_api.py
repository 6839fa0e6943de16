"""The one error shape every service answers with, as documented in every service's OpenAPI.

    {"error": {"code": "notice_period_not_over", "message": "…", "field": "household_id"}}

``code`` is stable and machine-readable, ``field`` names the input at fault (dotted path) when one
is, ``details`` lists every problem of an invalid input. Routes document their refusals with
``responses=refusals(404, 409)``; 422 (and 401/403/413 where they apply) are on every route.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse


class Problem(BaseModel):
    field: str | None = Field(description="The input field at fault (dotted path), if any.")
    message: str
    type: str = Field(description="The kind of check that failed.")


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable name of the refusal.", examples=["invalid_input"])
    message: str = Field(description="What is wrong, for a person.")
    field: str | None = Field(default=None, description="The input field at fault (dotted path), if any.")
    details: list[Problem] | None = Field(default=None, description="Every problem of an invalid input.")


class ErrorResponse(BaseModel):
    error: ErrorBody


_MEANING = {
    401: "No valid bearer token.",
    403: "The caller's role or division does not allow this.",
    404: "The thing named does not exist.",
    409: "The current state does not allow this, or the id was used for something else (`id_reused`).",
    413: "The request body is too large.",
    422: "The input breaks a rule (`invalid_input` with `details`, or a rule's own code).",
    503: "The database or NATS is not reachable; nothing was changed, try again.",
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status with the real error shape."""
    return {status: {"model": ErrorResponse, "description": _MEANING[status]} for status in statuses}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """The one error shape as a response (the HTTP layer's exception handlers and the edge guard)."""
    body: dict[str, Any] = {"code": code, "message": message, "field": field, **extra}
    return JSONResponse(status_code=status, content={"error": body}, headers=headers)
