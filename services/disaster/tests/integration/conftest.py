"""A disaster service on the real stack, with a clock the tests drive, trusting the stack's local
OIDC issuer. Requests carry a token with every role over the county (subject ``official-9``)
unless a test gives other headers (``as_caller``) or none (``anonymous``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service

CST = timezone(timedelta(hours=8))
START = datetime(2026, 7, 14, 6, 0, tzinfo=CST)
SUBJECT = "official-9"
"""The default caller's token subject (every role, over the county)."""


@dataclass
class Running:
    client: ServiceClient
    clock: ManualClock

    @property
    def service(self) -> Service:
        return self.client.service

    @property
    def http(self) -> httpx.AsyncClient:
        """The HTTP client; its requests carry the default caller's token."""
        return self.client.http

    def as_caller(self, *roles: str, division: str | None = None, subject: str = SUBJECT) -> dict[str, str]:
        """The headers of another caller (default: every role, over the county)."""
        return self.client.as_caller(*roles, division=division, subject=subject)

    async def post(
        self, path: str, body: object, expect: int | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.request("POST", path, json=body, expect=expect, headers=headers)

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request with the default token, with ``headers`` in its place, or (``anonymous``)
        with no authorization at all (``ServiceClient.request``)."""
        return await self.client.request(method, path, **kwargs)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(fresh_database: str, stack) -> ServiceSettings:  # type: ignore[no-untyped-def]
    return ServiceSettings(
        "disaster", fresh_database, stack.nats_url("disaster"), oidc=oidc_settings(stack.issuer)
    )


@pytest.fixture
async def disaster(settings: ServiceSettings, clock: ManualClock, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    service = Disaster(settings, clock=clock, scheduler=False)
    async with running_service(service, issuer=stack.issuer) as client:
        client.headers = client.as_caller(subject=SUBJECT)
        client.http.headers.update(client.headers)  # also on requests made with .http directly
        yield Running(client, clock)
