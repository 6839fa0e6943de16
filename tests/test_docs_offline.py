"""/docs and /redoc render with no network: a headless Chromium (Debian's package, driven by
Playwright) loads them with every request that leaves the service blocked."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fastapi import APIRouter

from minzheng_eventstore.host import ServiceHost, ServiceSettings
from minzheng_infra.procutil import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
async def served(fresh_database: str, stack) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        if os.environ.get("MINZHENG_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    router = APIRouter()

    @router.get("/households/{hid}", tags=["queries"])
    async def household(hid: str) -> dict[str, str]:
        return {"household_id": hid}

    host = ServiceHost(ServiceSettings("docs", fresh_database, stack.nats_admin_url), publication=None)
    app = host.fastapi(title="minzheng docs test", routers=[router])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's Server has a flag, not an event)
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_docs_and_redoc_render_offline(served: str) -> None:
    from playwright.async_api import async_playwright

    left: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page()

        async def only_the_service(route):  # type: ignore[no-untyped-def]
            if route.request.url.startswith(served):
                await route.continue_()
            else:
                left.append(route.request.url)
                await route.abort()

        await page.route("**/*", only_the_service)
        await page.goto(f"{served}/docs")
        await page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        assert "minzheng docs test" in await page.inner_text(".swagger-ui .info .title")
        await page.get_by_text("/households/{hid}").first.wait_for(timeout=20_000)
        await page.goto(f"{served}/redoc")
        await page.wait_for_selector("h1:has-text('minzheng docs test')", timeout=20_000)
        await browser.close()
    # nothing the pages need comes from outside the service; Redoc's bundle asks for its own
    # "powered by" logo from its CDN, which is blocked here and the page renders without it
    assert [url for url in left if not url.endswith("cdn.redoc.ly/redoc/logo-mini.svg")] == []
