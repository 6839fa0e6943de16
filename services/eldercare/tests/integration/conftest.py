"""An eldercare service on the real stack, with a clock the tests drive and the demo standards
loaded for county 330727."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)


@dataclass
class Running(ServiceClient):
    clock: ManualClock = field(default_factory=lambda: ManualClock(START))

    async def fetchval(self, sql: str, *args: object) -> Any:
        async with self.service.host.store.pool.acquire() as conn:
            return await conn.fetchval(sql, *args)


async def start_eldercare(database: str, stack: Any, clock: ManualClock) -> Any:
    """The service on ``database`` (a restart: call again on the same database)."""
    settings = ServiceSettings(
        "eldercare", database, stack.nats_url("eldercare"), oidc=oidc_settings(stack.issuer)
    )
    service = Eldercare(settings, clock=clock, scheduler=False)
    return running_service(service, issuer=stack.issuer)


@pytest.fixture
async def eldercare(fresh_database: str, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    clock = ManualClock(START)
    async with await start_eldercare(fresh_database, stack, clock) as client:
        running = Running(client.service, client.http, issuer=stack.issuer, clock=clock)
        running.headers = running.as_caller(subject="official-1")
        running.http.headers.update(running.headers)
        await load_county_standards(running.service.context())
        yield running
