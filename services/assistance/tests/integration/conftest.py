"""An assistance service on the real stack (the kit's ``running_service``), with a clock the tests
drive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from minzheng_assistance.adapters.projection import NAME as READ_MODELS
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.testing import ServiceClient, running_service

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
HEADERS = {"x-official-id": "official-17"}


@dataclass
class Running(ServiceClient):
    """The running service, its HTTP client (as official-17) and the clock the test drives."""

    clock: ManualClock = field(default_factory=lambda: ManualClock(START))

    def read_models(self) -> Projection:
        return self.service.context().projection(READ_MODELS)

    async def count(self, sql: str, *args: object) -> int:
        async with self.service.host.store.pool.acquire() as conn:
            return int(await conn.fetchval(sql, *args))


@pytest.fixture
async def assistance(fresh_database: str, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    clock = ManualClock(START)
    service = Assistance(
        ServiceSettings("assistance", fresh_database, stack.nats_url("assistance")), clock=clock
    )
    async with running_service(service) as client:
        running = Running(client.service, client.http, dict(HEADERS), clock=clock)
        await running.post("/divisions", {"code": "330727101", "name": "T101"}, expect=201)
        await running.post("/divisions", {"code": "330727101201", "name": "V201"}, expect=201)
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
            await running.post(
                "/standards",
                {
                    "parameter": parameter,
                    "jurisdiction": "330727",
                    "effective_from": effective,
                    "value": value,
                },
                expect=201,
            )
        yield running
