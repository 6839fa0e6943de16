"""The whole platform for the console's tests, once for all of them (package scope): the five
services as HTTP servers in this process (uvicorn on free ports, their lifespans starting their
hosts) on the session's real PostgreSQL (a database each) and NATS (a user each), sharing one
clock that runs with real time and that a test may move forward; then the console on its own
port reading them over HTTP, as ``make run`` wires it. Seeded through the services' own HTTP
APIs: two open incidents (one at risk by hours, one half an hour from its deadline), and a death
registered in the registry that reaches veterans and eldercare (a veteran who is also an elder)
and assistance."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
import uvicorn

from minzheng_assistance.entrypoints.app import Assistance
from minzheng_console import Settings, create_app
from minzheng_contracts import make_resident_id
from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_eventstore.testing import bearer, oidc_settings
from minzheng_infra.procutil import free_port
from minzheng_registry.entrypoints.app import Registry
from minzheng_veterans.adapters.entitlement.http import RECOGNITION
from minzheng_veterans.application.death.standards import load_death_standards
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.entrypoints.app import Veterans

CST = timezone(timedelta(hours=8))
START = datetime(2026, 5, 12, 9, 0, tzinfo=CST)
COUNTY = "330727"
PERSON = make_resident_id(COUNTY, date(1941, 6, 1), 41).reveal()
"""A veteran who is also an elder: the death registered in the registry reaches both."""
VILLAGE = "330727101201"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "console"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class RunningClock:
    """The services' clock: real time from ``start`` (so the board's countdowns move as in the
    county), moved forward by ``advance`` (a deadline passes without waiting for it)."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._t0 = time.monotonic()
        self._ahead = timedelta()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0) + self._ahead

    def advance(self, delta: timedelta) -> datetime:
        self._ahead += delta
        return self.now()


@dataclass
class Platform:
    stack: Any
    clock: RunningClock
    services: dict[str, Service]
    urls: dict[str, str]
    console: str
    token: str
    """operator + auditor over the county: the duty officer's token."""
    official: dict[str, str]
    """every role over the county: what the seeding calls the services with."""
    incidents: dict[str, str] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    """head name → resident ID of the seeded households."""

    def mint(self, *roles: str, subject: str = "duty-2") -> str:
        return str(self.stack.issuer.mint(subject=subject, roles=list(roles), division=COUNTY))

    def client(self, name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.urls[name], headers=self.official, timeout=10)


async def _serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None, access_log=False)
    )
    task = asyncio.create_task(server.serve())
    for _ in range(600):
        if server.started:
            break
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("a server did not start")
    return server, task, f"http://127.0.0.1:{port}"


async def _expect(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.url}: {response.status_code} {response.text}"
    return dict(response.json())


async def _seed_disaster(p: Platform) -> None:
    now = p.clock.now()
    async with p.client("disaster") as d:
        for key, area, hours, heads in (
            ("flood", "330727101", 20, ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨磊"]),
            ("landslide", "330727102", 23.5, ["赵敏", "黄强"]),
        ):
            reported = now - timedelta(hours=hours)
            iid = str(uuid.uuid4())
            await _expect(
                await d.post(
                    "/incidents",
                    json={
                        "incident_id": iid,
                        "disaster_type": key,
                        "area": [area],
                        "happened_at": (reported - timedelta(hours=1)).isoformat(),
                        "reported_at": reported.isoformat(),
                        "reporter": f"{area} civil-affairs office",
                    },
                )
            )
            await _expect(await d.post(f"/incidents/{iid}/verification", json={"findings": "seen"}), 200)
            p.incidents[key] = iid
            for n, name in enumerate(heads):
                born = date(1960 + n, 1 + n, 10 + n)
                head = make_resident_id(COUNTY, born, 100 + n + len(p.heads)).reveal()
                p.heads[name] = head
                await _expect(
                    await d.post(
                        f"/incidents/{iid}/households",
                        json={
                            "head": head,
                            "head_name": name,
                            "village": f"{area}{201 + n % 2}",
                            "members": 2 + n % 3,
                            "relocation": n % 2,
                            "damage": ["light", "severe", "collapsed"][n % 3],
                            "needs": {"cash": True},
                        },
                    )
                )
        flood = p.incidents["flood"]
        allocation = {"document": "county 2026-9", "cash_fen": 500_000}
        await _expect(await d.post(f"/incidents/{flood}/allocations", json=allocation))
        delivery = {"head": p.heads["王建国"], "cash_fen": 50_000}
        await _expect(await d.post(f"/incidents/{flood}/deliveries", json=delivery))


async def _seed_death(p: Platform) -> None:
    """The person is a veteran with an entitlement and an elder on the register; then the
    registry registers the death, and veterans and eldercare each react."""
    await load_pension_standards(p.services["veterans"].context())
    await load_death_standards(p.services["veterans"].context())
    await load_county_standards(p.services["eldercare"].context())
    async with p.client("veterans") as v, p.client("eldercare") as e, p.client("registry") as r:
        recognition = {**RECOGNITION, "resident_id": PERSON, "residence": VILLAGE, "grade": 1}
        await _expect(await v.post("/entitlements", json=recognition))
        await _expect(await e.post("/elders", json={"resident_id": PERSON, "residence": VILLAGE}))
        death = {
            "deceased": PERSON,
            "date_of_death": "2026-05-10",
            "place": VILLAGE,
            "residence": VILLAGE,
            "office": COUNTY,
        }
        await _expect(await r.post("/deaths", json=death))
        for _ in range(400):
            cases = (await v.get("/death-cases")).json()["items"]
            if cases:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("veterans never learned of the death")


@pytest_asyncio.fixture(scope="package")
async def platform(stack: Any) -> AsyncIterator[Platform]:
    names = ["registry", "veterans", "eldercare", "assistance", "disaster"]
    databases = {name: f"console_{name}_{uuid.uuid4().hex[:8]}" for name in names}
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    for db in databases.values():
        await admin.execute(f'CREATE DATABASE "{db}"')
    await admin.close()
    clock = RunningClock(START)
    oidc = oidc_settings(stack.issuer)
    factories: dict[str, Any] = {
        "registry": Registry,
        "veterans": Veterans,
        "eldercare": Eldercare,
        "assistance": Assistance,
        "disaster": Disaster,
    }
    services: dict[str, Service] = {}
    for name in names:
        settings = ServiceSettings(
            name, stack.postgres.admin_url(databases[name]), stack.nats_url(name), oidc=oidc
        )
        # the tests judge deadlines at the clock's now; no scheduler runs in the background
        extra: dict[str, Any] = {} if name == "assistance" else {"scheduler": False}
        services[name] = factories[name](settings, clock=clock, **extra)
    running: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    try:
        urls = {}
        for name in names:
            server, task, url = await _serve(services[name].app())
            running.append((server, task))
            urls[name] = url
        # a generous timeout: the machine running the tests may be busy
        console_settings = Settings(
            services=urls, secret=b"console-test", poll_seconds=1.0, board_rows=25, timeout=20.0
        )
        server, task, console = await _serve(create_app(console_settings))
        running.append((server, task))
        p = Platform(
            stack=stack,
            clock=clock,
            services=services,
            urls=urls,
            console=console,
            token=str(stack.issuer.mint(subject="duty-1", roles=["operator", "auditor"], division=COUNTY)),
            official=bearer(stack.issuer, division=COUNTY, subject="official-1"),
        )
        await _seed_disaster(p)
        await _seed_death(p)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        yield p
    finally:
        for server, _ in reversed(running):
            server.should_exit = True
        for _, task in reversed(running):
            await asyncio.wait_for(task, 30)
        admin = await asyncpg.connect(stack.pg_admin_dsn)
        for db in databases.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="package")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("MINZHENG_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    return CHROMIUM


@pytest_asyncio.fixture(scope="package")
async def browser(chromium: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        yield launched
        await launched.close()


async def logged_in(browser: Any, platform: Platform, token: str | None = None, lang: str = "zh") -> Any:
    """A new browser page, logged in to the console with ``token`` (default: the duty officer's)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(f"{platform.console}/login?lang={lang}")
    await page.fill("[data-testid=token]", token or platform.token)
    await page.click("[data-testid=login]")
    await page.wait_for_selector("[data-testid=roles]")
    return page
