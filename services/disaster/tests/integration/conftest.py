"""A disaster service on the real stack, with a clock the tests drive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service

CST = timezone(timedelta(hours=8))
START = datetime(2026, 7, 14, 6, 0, tzinfo=CST)
HEADERS = {"x-official-id": "official-9"}


@dataclass
class Running:
    service: Service
    http: httpx.AsyncClient
    clock: ManualClock

    async def post(self, path: str, body: object, expect: int | None = None) -> httpx.Response:
        response = await self.http.post(path, json=body, headers=HEADERS)
        if expect is not None:
            assert response.status_code == expect, response.text
        return response


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(fresh_database: str, stack) -> ServiceSettings:  # type: ignore[no-untyped-def]
    return ServiceSettings("disaster", fresh_database, stack.nats_url("disaster"))


@pytest.fixture
async def disaster(settings: ServiceSettings, clock: ManualClock) -> AsyncIterator[Running]:
    service = Disaster(settings, clock=clock, scheduler=False)
    app = service.app()
    async with (
        service.host.running(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://disaster") as http,
    ):
        yield Running(service, http, clock)
