"""A disaster service on the real stack, with a clock the tests drive, trusting the stack's local
OIDC issuer. Requests carry a token with every role over the county (subject ``official-9``)
unless a test gives other headers (``as_caller``) or none (``anonymous``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

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


@asynccontextmanager
async def serving(settings: ServiceSettings, clock: ManualClock, stack: Any) -> AsyncIterator[Running]:
    service = Disaster(settings, clock=clock, scheduler=False)
    async with running_service(service, issuer=stack.issuer) as client:
        client.headers = client.as_caller(subject=SUBJECT)
        client.http.headers.update(client.headers)  # also on requests made with .http directly
        yield Running(client, clock)


@pytest.fixture
async def disaster(settings: ServiceSettings, clock: ManualClock, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    async with serving(settings, clock, stack) as running:
        yield running


@asynccontextmanager
async def own_database(stack: Any, prefix: str) -> AsyncIterator[str]:
    """A new database for a fixture wider than one test (``fresh_database`` is one test's), dropped
    at its end."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    try:
        await admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await admin.close()
    try:
        yield stack.postgres.admin_url(name)
    finally:
        if not stack.postgres.is_running():
            stack.postgres.start()
        admin = await asyncpg.connect(stack.pg_admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest_asyncio.fixture(scope="module")
async def module_services(stack) -> AsyncIterator[Callable[[], Awaitable[Running]]]:  # type: ignore[no-untyped-def]
    """Start services that last the whole module (each as ``disaster``, on a database of its own,
    with a clock at ``START``): for a module's many tests that each assert they changed nothing,
    so that they share the set-up instead of repeating it."""
    async with AsyncExitStack() as started:

        async def start() -> Running:
            database = await started.enter_async_context(own_database(stack, "module"))
            settings = ServiceSettings(
                "disaster", database, stack.nats_url("disaster"), oidc=oidc_settings(stack.issuer)
            )
            return await started.enter_async_context(serving(settings, ManualClock(START), stack))

        yield start
