"""An assistance service on the real stack, with a clock the tests drive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from minzheng_assistance.entrypoints.app import Assistance
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
HEADERS = {"x-official-id": "official-17"}


@dataclass
class Running:
    service: Assistance
    http: httpx.AsyncClient
    clock: ManualClock

    async def post(self, path: str, body: object = None, expect: int | None = None) -> httpx.Response:
        response = await self.http.post(path, json=body if body is not None else {}, headers=HEADERS)
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    async def relay_caught_up(self) -> None:
        relay = self.service.host.relay
        assert relay is not None
        assert await relay.drain(within=60)


@pytest.fixture
async def assistance(fresh_database: str, stack) -> AsyncIterator[Running]:  # type: ignore[no-untyped-def]
    clock = ManualClock(START)
    service = Assistance(
        ServiceSettings("assistance", fresh_database, stack.nats_url("assistance")), clock=clock
    )
    app = service.app()
    async with (
        service.host.running(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://assistance") as http,
    ):
        running = Running(service, http, clock)
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
