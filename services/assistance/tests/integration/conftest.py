"""An assistance service on the real stack (the kit's ``running_service``), with a clock the tests
drive, trusting the stack's local OIDC issuer. Requests carry a token with every role over the
county (subject ``official-17``) unless a test gives other headers (``as_caller``, ``approver``) or
none (``request(..., anonymous=True)``). The official who records a household's home investigation
cannot approve it: tests approve as ``approver-1`` (a county approver)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from minzheng_assistance.adapters.projection import NAME as READ_MODELS
from minzheng_assistance.application.configuration import Division, load_divisions
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_eventstore import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
SUBJECT = "official-17"
"""The default caller's token subject (every role, over the county)."""
APPROVER = "approver-1"
"""The county approver the tests approve as (not the official who investigated)."""
HISTORY = "the test county's standards since 2014 (loaded as a correction: they predate the clock)"


@dataclass
class Running(ServiceClient):
    """The running service, its HTTP client (as official-17, every role) and the clock the test
    drives."""

    clock: ManualClock = field(default_factory=lambda: ManualClock(START))

    def read_models(self) -> Projection:
        return self.service.context().projection(READ_MODELS)

    async def count(self, sql: str, *args: object) -> int:
        async with self.service.host.store.pool.acquire() as conn:
            return int(await conn.fetchval(sql, *args))

    def caller(self, *roles: str, division: str | None = None, subject: str = SUBJECT) -> dict[str, str]:
        """The headers of another caller (default: every role, over the county)."""
        return self.as_caller(*roles, division=division, subject=subject)

    async def record_divisions(self, *divisions: tuple[str, str]) -> None:
        """Divisions ``(code, name)`` as the registry records them (see ``record_divisions``)."""
        await record_divisions(self, *divisions)

    def approver(self, subject: str = APPROVER) -> dict[str, str]:
        """A county approver over the county (another official than the one who investigated)."""
        return self.as_caller("county-approver", subject=subject)


ESTABLISHED = date(2001, 1, 1)


async def record_divisions(running: ServiceClient, *divisions: tuple[str, str]) -> None:
    """Divisions ``(code, name)`` as the registry records them (``DivisionRecorded``), through the
    function its consumer calls: the service has no route to register one."""
    await load_divisions(
        running.service.context(),
        Actor("registry-policy"),
        [
            Division(
                code,
                name,
                "village" if len(code) == 12 else "township",
                parent=code[:9] if len(code) == 12 else code[:6],
                valid_from=ESTABLISHED,
            )
            for code, name in divisions
        ],
    )


def settings_for(database: str, stack: Any) -> ServiceSettings:
    return ServiceSettings(
        "assistance", database, stack.nats_url("assistance"), oidc=oidc_settings(stack.issuer)
    )


@asynccontextmanager
async def serving(database: str, stack: Any) -> AsyncIterator[Running]:
    """The service on ``database`` with the test county's divisions and standards, as official-17."""
    clock = ManualClock(START)
    service = Assistance(settings_for(database, stack), clock=clock)
    async with running_service(service, issuer=stack.issuer) as client:
        running = Running(client.service, client.http, issuer=stack.issuer, clock=clock)
        running.headers = running.caller()
        running.http.headers.update(running.headers)  # also on requests made with .http directly
        await record_divisions(running, ("330727101", "T101"), ("330727101201", "V201"))
        for parameter, effective, value in (
            ("dibao_rural", "2014-01-01", 35_200),
            ("dibao_rural", "2026-04-01", 39_600),
            ("dibao_urban", "2014-01-01", 52_800),
            ("notice_days", "2014-01-01", 7),
            ("medical_rate", "2014-01-01", 7_000),
            ("medical_annual_cap", "2014-01-01", 1_000_000),
            ("temporary_aid_limit", "2014-01-01", 300_000),
            ("tekun_dispersed", "2014-01-01", 60_000),
            ("tekun_centralised", "2014-01-01", 80_000),
        ):
            body = {
                "parameter": parameter,
                "jurisdiction": "330727",
                "effective_from": effective,
                "value": value,
            }
            if effective < START.date().isoformat():
                await running.post("/standards/corrections", {**body, "reason": HISTORY}, expect=201)
            else:
                await running.post("/standards", body, expect=201)
        yield running


@pytest.fixture
async def assistance(fresh_database: str, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    async with serving(fresh_database, stack) as running:
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
    """Start services that last the whole module (each as ``assistance``, on a database of its
    own): for a module's many tests that each assert they changed nothing, so that they share the
    set-up instead of repeating it."""
    async with AsyncExitStack() as started:

        async def start() -> Running:
            database = await started.enter_async_context(own_database(stack, "module"))
            return await started.enter_async_context(serving(database, stack))

        yield start
