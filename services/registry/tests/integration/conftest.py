"""A registry service on the real stack (the kit's ``running_service``), with a clock the tests
drive, trusting the stack's local OIDC issuer, the national standards loaded for county 330727.
Requests carry a token with every role over the county (subject ``registrar-1``) unless a test gives
other headers (``as_caller``) or none (``request(..., anonymous=True)``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.entrypoints.app import Registry

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
SUBJECT = "registrar-1"


@dataclass
class Running(ServiceClient):
    """The running service, its HTTP client (every role over the county) and the clock."""

    clock: ManualClock = field(default_factory=lambda: ManualClock(START))

    async def fetchval(self, sql: str, *args: object) -> Any:
        async with self.service.host.store.pool.acquire() as conn:
            return await conn.fetchval(sql, *args)


def settings_for(database: str, stack: Any) -> ServiceSettings:
    return ServiceSettings("registry", database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer))


async def start_registry(database: str, stack: Any, clock: ManualClock) -> Any:
    """The context manager of a running registry on ``database`` (a test restarts it with this)."""
    service = Registry(settings_for(database, stack), clock=clock, scheduler=False)
    return running_service(service, issuer=stack.issuer)


@pytest.fixture
async def registry(fresh_database: str, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    clock = ManualClock(START)
    async with await start_registry(fresh_database, stack, clock) as client:
        running = Running(client.service, client.http, issuer=stack.issuer, clock=clock)
        running.headers = running.as_caller(subject=SUBJECT)
        running.http.headers.update(running.headers)
        await load_national_standards(running.service.context())
        yield running
