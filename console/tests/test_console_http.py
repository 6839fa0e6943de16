"""The console over HTTP (no browser) on the real platform: the session cookie, the language, the
pages' answers when a service refuses or is not there (named on the page, never a console 500)."""

from __future__ import annotations

import asyncio

import httpx
import uvicorn

from minzheng_console import Settings, create_app
from minzheng_infra.procutil import free_port

from .conftest import PERSON, Platform

PAGES = ["/", "/sla/board", "/deadlines", "/cases", "/events", "/dead-letters", "/health"]
FORM = {"content-type": "application/x-www-form-urlencoded"}


async def _login(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(
        "/login",
        content=f"token={token}&next=/health",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


async def test_login_keeps_the_token_in_a_strict_http_only_cookie_and_logout_drops_it(
    platform: Platform,
) -> None:
    async with httpx.AsyncClient(base_url=platform.console) as c:
        first = await c.get("/deadlines?state=overdue")
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=/deadlines%3Fstate%3Doverdue"
        refused = await _login(c, "not-a-token")
        assert refused.status_code == 400 and "JWT" in refused.text
        answer = await _login(c, platform.token)
        assert answer.status_code == 303 and answer.headers["location"] == "/health"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert platform.token not in answer.headers["set-cookie"]  # signed and encoded, not as pasted
        page = await c.get("/health")
        assert page.status_code == 200 and "duty-1" in page.text and "auditor" in page.text
        # a cookie the console did not sign is no session
        forged = httpx.Cookies({"console_session": "eyJhbGciOi.forged"})
        async with httpx.AsyncClient(base_url=platform.console, cookies=forged) as other:
            assert (await other.get("/health")).status_code == 303
        # an htmx poll without a session is told where to log in, not given a login page to swap in
        async with httpx.AsyncClient(base_url=platform.console) as anonymous:
            poll = await anonymous.get("/sla/board", headers={"hx-request": "true"})
            assert poll.status_code == 200 and poll.headers["hx-redirect"] == "/login" and poll.text == ""
        out = await c.post("/logout")
        assert out.status_code == 303
        assert (await c.get("/health")).status_code == 303


async def test_chinese_by_default_english_by_choice_kept_in_a_cookie(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.console) as c:
        await _login(c, platform.token)
        zh = await c.get("/sla")
        assert "救灾 24 小时时限看板" in zh.text and 'lang="zh-CN"' in zh.text
        en = await c.get("/sla?lang=en")
        assert "Disaster relief 24-hour SLA board" in en.text and 'lang="en"' in en.text
        assert "console_lang=en" in en.headers["set-cookie"]
        again = await c.get("/deadlines")
        assert "Deadlines across services" in again.text


async def test_every_page_names_a_refusing_or_absent_service_and_never_fails_itself(
    platform: Platform,
) -> None:
    # a console that also reads a service that is not there
    ghost = f"http://127.0.0.1:{free_port()}"
    settings = Settings(services={**platform.urls, "ghost": ghost}, secret=b"other")
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's Server has a flag, not an event)
        await asyncio.sleep(0.05)
    try:
        # a registrar: every service refuses its operations reads (403), the ghost does not answer
        registrar = platform.mint("registrar", subject="registrar-9")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            await _login(c, registrar)
            for path in PAGES:
                page = (
                    await c.post(path, content=f"resident={PERSON}", headers=FORM)
                    if path == "/cases"
                    else await c.get(path)
                )
                assert page.status_code == 200, (path, page.status_code)
                text = page.text
                if path == "/sla/board":
                    assert "HTTP 403" in text, path
                    continue
                if path == "/":  # the board held since the login, or the page asking for it
                    assert "HTTP 403" in text or 'data-testid="board-loading"' in text
                    continue
                if path not in ("/", "/events"):  # the board reads disaster, the events one service
                    assert 'data-service="ghost"' in text and "无法连接" in text, path
                assert "HTTP 403" in text, path
            # re-driving as a registrar: the service's 403 shown as such
            answer = await c.post(
                "/dead-letters/redrive",
                content="service=veterans&consumer=veterans-deaths-v1",
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert answer.status_code == 200 and 'data-testid="redrive-forbidden"' in answer.text
    finally:
        server.should_exit = True
        await task


async def test_a_case_by_correlation_id_and_by_stream_id(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.urls["registry"]) as r:
        auditor = {"authorization": f"Bearer {platform.token}"}
        history = (await r.get("/audit/history", params={"resident": PERSON}, headers=auditor)).json()
    death = next(e for e in history["events"] if e["correlation_id"])
    async with httpx.AsyncClient(base_url=platform.console) as c:
        await _login(c, platform.token)
        by_correlation = (await c.get("/cases", params={"case": death["correlation_id"]})).text
        by_stream = (await c.get("/cases", params={"case": death["stream_id"]})).text
    for text in (by_correlation, by_stream):
        for service in ("registry", "veterans", "eldercare"):
            assert f'data-testid="timeline-entry" data-service="{service}"' in text, service
        assert 'data-testid="hop"' in text
        assert 'data-testid="failures"' not in text  # the other services' 404s are no failure
