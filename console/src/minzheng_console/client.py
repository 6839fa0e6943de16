"""HTTP to the services, with the user's token. Every call gives an ``Answer``: the JSON on
success, otherwise what went wrong (401, 403, 404, 5xx, unreachable) so a page can name the
service that failed; nothing here raises for a service's failure."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson


@dataclass(frozen=True)
class Answer:
    service: str
    status: int | None
    """The HTTP status; None when the service did not answer."""
    data: Any = None
    """The JSON body (also of a refusal, e.g. /ready's 503 with its checks)."""
    error: str | None = None
    """The service's error code and message, or why it could not be reached."""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def problem(self) -> str | None:
        """timeout, unreachable, unauthorized, forbidden, not_found, server_error or refused (other 4xx)."""
        if self.ok:
            return None
        if self.status is None:
            return "timeout" if self.timed_out else "unreachable"
        return {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(
            self.status, "server_error" if self.status >= 500 else "refused"
        )


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        error = body.get("error", body.get("detail"))
        if isinstance(error, dict):
            code, message = error.get("code"), error.get("message")
            return " ".join(str(x) for x in (code, message) if x)
        if error is not None:
            return str(error)[:200]
    return str(body)[:200]


class Services:
    """The services the console reads, by name."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.urls = dict(urls)
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    @property
    def names(self) -> list[str]:
        return list(self.urls)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        headers: Mapping[str, str],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Answer:
        base = self.urls.get(service)
        if base is None:
            return Answer(service, None, error="unknown service")
        clean = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            response = await self._http.request(
                method, f"{base}{path}", headers=dict(headers), params=clean, json=json
            )
        except httpx.TimeoutException as exc:
            return Answer(service, None, error=f"timeout: {type(exc).__name__}", timed_out=True)
        except httpx.HTTPError as exc:
            return Answer(service, None, error=f"{type(exc).__name__}: {exc}"[:200])
        try:
            body = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            if 200 <= response.status_code < 300:
                return Answer(service, 502, error="not JSON")
            body = None
        if 200 <= response.status_code < 300:
            return Answer(service, response.status_code, body)
        return Answer(service, response.status_code, body, error=_error_text(response))

    async def get(self, service: str, path: str, headers: Mapping[str, str], **params: Any) -> Answer:
        return await self.request(service, "GET", path, headers, params=params)

    async def post(self, service: str, path: str, headers: Mapping[str, str], body: Any) -> Answer:
        return await self.request(service, "POST", path, headers, json=body)

    async def each(
        self,
        path: str,
        headers: Mapping[str, str],
        services: Sequence[str] | None = None,
        **params: Any,
    ) -> list[Answer]:
        """The same GET on every service (or those named), concurrently, in the configured order."""
        names = self.names if services is None else list(services)
        return list(await asyncio.gather(*(self.get(name, path, headers, **params) for name in names)))
