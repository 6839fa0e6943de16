"""The console's web app: pages rendered on the server (Jinja2), refreshed in place with htmx
(served from this package: no CDN). Every page reads the services' HTTP APIs with the logged-in
user's token; a service's refusal or absence is shown on the page, never as the console's 500."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from . import views
from .auth import COOKIE, LANG_COOKIE, Session, session_of, sign, unsign
from .board_cache import BoardCache
from .client import Answer, Services
from .config import Settings
from .i18n import LANGUAGES, kind_label, language, translator

HERE = Path(__file__).parent
DEADLINE_STATES = ("open", "pending", "overdue", "met", "cancelled", "all")
"""The deadlines page's filter: ``open`` is pending and overdue (two reads of each service)."""
PAGE_BOARD_AGE = 5.0
"""Seconds: how old a held SLA board a page load may show (its polling refreshes it at once)."""
MAX_FORM = 16_384


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["local"] = views.local_time
    env.filters["hms"] = views.hms
    env.filters["duration"] = views.duration
    env.filters["pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2, sort_keys=True)
    env.filters["yuan"] = lambda fen: "" if not isinstance(fen, int) else f"{fen / 100:,.2f}"
    return templates


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (the console's forms are small; python-multipart is not needed)."""
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def create_app(
    settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The console over ``settings.services`` (``transport``: for tests that keep the services in
    process; by default real HTTP)."""
    settings = settings or Settings.from_env()
    services = Services(settings.services, timeout=settings.timeout, transport=transport)
    templates = _templates()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await services.aclose()

    app = FastAPI(
        title="minzheng console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.services = services
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def languages(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        asked = request.query_params.get("lang")
        chosen = asked if asked in LANGUAGES else language(request.cookies.get(LANG_COOKIE))
        request.state.lang = chosen
        response = await call_next(request)
        if asked in LANGUAGES:
            response.set_cookie(
                LANG_COOKIE, chosen, max_age=365 * 86400, samesite="strict", secure=settings.secure_cookie
            )
        response.headers.setdefault("x-frame-options", "DENY")
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "same-origin")
        return response

    def current(request: Request) -> Session | None:
        value = request.cookies.get(COOKIE)
        token = unsign(value, settings.secret) if value else None
        found = session_of(token) if token else None
        return None if found is None or found.expired else found

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang: str = request.state.lang
        other = "en" if lang == "zh" else "zh"
        return templates.TemplateResponse(
            request,
            name,
            {
                "t": translator(lang),
                "lang": lang,
                "other_lang": other,
                "other_lang_url": str(request.url.include_query_params(lang=other)),
                "kind_label": lambda kind: kind_label(kind, lang),
                "session": current(request),
                "services": services.names,
                **context,
            },
            status_code=status,
        )

    def to_login(request: Request) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=200, headers={"HX-Redirect": "/login"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    # ----------------------------------------------------------------------------- session

    @app.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return render(request, "login.html", next=_safe_next(next), error=None)

    @app.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        form = await _form(request)
        target = _safe_next(form.get("next"))
        found = session_of(form.get("token", ""))
        t = translator(request.state.lang)
        if found is None or found.expired:
            error = t("login.invalid") if found is None else t("login.expired")
            return render(request, "login.html", status=400, next=target, error=error)
        boards.prefetch(found.headers, "top", max_age=settings.poll_seconds)  # the first page's board
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            sign(found.token, settings.secret),
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookie,
            max_age=max(60, int(found.expires - time.time())) if found.expires else None,
        )
        return response

    @app.post("/logout")
    async def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    @app.get("/livez")
    async def livez() -> JSONResponse:
        """The console's own liveness (the services' health is the /health page)."""
        return JSONResponse({"status": "ok", "services": services.names})

    # ---------------------------------------------------------------------------- SLA board

    def board_service() -> str:
        return "disaster" if "disaster" in services.urls else services.names[0]

    async def fetch_board(headers: Mapping[str, str], variant: str) -> Answer:
        # "top": the most urgent households of each township, as many as the board shows (the
        # service cuts them: per_township); "all": every household (a search, a township in full)
        per_township = settings.board_rows if variant == "top" else None
        return await services.get(board_service(), "/sla/board", headers, per_township=per_township)

    boards = BoardCache(fetch_board)

    async def board_context(
        request: Request, user: Session, *, max_age: float, wait: bool = True
    ) -> dict[str, Any]:
        q = request.query_params.get("q") or None
        expand = request.query_params.getlist("expand")
        variant = "all" if q or expand else "top"
        answer = (
            await boards.get(user.headers, variant, max_age=max_age)
            if wait
            else boards.held(user.headers, variant, max_age=max_age)
        )
        base = {
            "q": q or "",
            "expand": expand,
            "query_string": request.url.query,
            "poll_ms": int(settings.poll_seconds * 1000),
        }
        if answer is None:
            return {**base, "answer": None, "generated_at": None, "incidents": []}
        board = answer.data if answer.ok and isinstance(answer.data, dict) else None
        incidents = (
            views.shape_board(board, rows=settings.board_rows, query=q, expand=expand) if board else []
        )
        generated = board.get("generated_at") if board else None
        return {**base, "answer": answer, "generated_at": generated, "incidents": incidents}

    @app.get("/", response_class=HTMLResponse)
    @app.get("/sla", response_class=HTMLResponse)
    async def sla(request: Request) -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        # a page load shows the board the last polls fetched (a few seconds old at most: the
        # page's own polling brings it up to date at once); without one, the page is sent at once
        # and asks for the board as soon as it is shown (its fetch already under way): the page
        # never waits for a slow service
        context = await board_context(request, user, max_age=PAGE_BOARD_AGE, wait=False)
        return render(request, "sla.html", active="sla", **context)

    @app.get("/sla/board", response_class=HTMLResponse)
    async def sla_board(request: Request) -> Response:
        """The board alone: what the page polls (htmx) to update in place."""
        user = current(request)
        if user is None:
            return to_login(request)
        context = await board_context(request, user, max_age=settings.poll_seconds / 4)
        return render(request, "sla_board.html", **context)

    # ---------------------------------------------------------------------------- deadlines

    @app.get("/deadlines", response_class=HTMLResponse)
    async def deadlines(request: Request, state: str = "open", kind: str = "") -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        state = state if state in DEADLINE_STATES else "open"
        asked = ("pending", "overdue") if state == "open" else (state,)
        rounds = await asyncio.gather(
            *(
                services.each("/operations/deadlines", user.headers, state=s, kind=kind or None, limit=200)
                for s in asked
            )
        )
        answers = [a for answers in rounds for a in answers]
        return render(
            request,
            "deadlines.html",
            active="deadlines",
            items=views.merge_deadlines(answers),
            failed=_distinct_failures(answers),
            state=state,
            kind=kind,
        )

    # ------------------------------------------------------------------------ case timeline

    @app.get("/cases", response_class=HTMLResponse)
    async def cases(request: Request, case: str = "") -> Response:
        """A case by its id (links from the other pages); a resident ID is searched by POST only,
        so that it stays out of URLs, the browser's history and any access log."""
        user = current(request)
        if user is None:
            return to_login(request)
        return await case_page(request, user, "", case.strip())

    @app.post("/cases", response_class=HTMLResponse)
    async def cases_search(request: Request) -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        form = await _form(request)
        return await case_page(request, user, form.get("resident", "").strip(), form.get("case", "").strip())

    async def case_page(request: Request, user: Session, resident: str, case: str) -> Response:
        answers: list[Answer] = []
        if resident:
            answers = await services.each("/audit/history", user.headers, resident=resident)
        elif case:
            lookups = []
            if views.is_stream_id(case):
                lookups.append(services.each("/audit/history", user.headers, stream=case))
            if views.is_uuid(case):
                lookups.append(services.each("/operations/trace", user.headers, correlation_id=case))
            answers = [a for group in await asyncio.gather(*lookups) for a in group]
        entries = views.timeline(views.entries_of(a) for a in answers)
        correlations = sorted({e.correlation_id for e in entries if e.correlation_id})[:20]
        traces = await asyncio.gather(
            *(services.each("/operations/trace", user.headers, correlation_id=c) for c in correlations)
        )
        hops = [
            hop for c, answers_c in zip(correlations, traces, strict=True) for hop in views.path(c, answers_c)
        ]
        every_trace = [a for group in traces for a in group]
        entries = views.timeline([entries, *(views.entries_of(a) for a in every_trace)])
        # a history of a stream is found in one service: the others' 404 is no failure; the
        # other refusals are named
        return render(
            request,
            "cases.html",
            active="cases",
            resident=resident,
            case=case,
            searched=bool(resident or case),
            entries=entries,
            hops=hops,
            services_seen=sorted({e.service for e in entries}),
            failed=_distinct_failures([*answers, *every_trace]),
            need_auditor=bool(resident) and not user.has("auditor"),
        )

    # ---------------------------------------------------------------------------- events

    @app.get("/events", response_class=HTMLResponse)
    async def events(
        request: Request,
        service: str = "",
        type: str = "",
        since: str = "",
        until: str = "",
        after: str = "",
        stream: str = "",
    ) -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        service = service if service in services.urls else services.names[0]
        types, listed = await asyncio.gather(
            services.get(service, "/operations/event-types", user.headers),
            services.get(
                service,
                "/operations/events",
                user.headers,
                type=type or None,
                stream=stream or None,
                since=_moment(since),
                until=_moment(until),
                after=after if after.isdigit() else None,
                order="desc",
                limit=50,
            ),
        )
        next_url = None
        if listed.ok and isinstance(listed.data, dict) and listed.data.get("next") is not None:
            next_url = str(request.url.include_query_params(after=str(listed.data["next"])))
        return render(
            request,
            "events.html",
            active="events",
            service=service,
            type=type,
            since=since,
            until=until,
            stream=stream,
            types=(types.data or {}).get("types", []) if types.ok and isinstance(types.data, dict) else [],
            listed=listed,
            items=(listed.data or {}).get("items", []) if listed.ok and isinstance(listed.data, dict) else [],
            next_url=next_url,
            failed=_distinct_failures([types, listed]),
        )

    # ------------------------------------------------------------------------- dead letters

    @app.get("/dead-letters", response_class=HTMLResponse)
    async def dead_letters(request: Request) -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        answers = await services.each("/operations/dead-letters", user.headers)
        return render(
            request,
            "dead_letters.html",
            active="dead_letters",
            answers=answers,
            can_redrive=user.has("operator"),
        )

    @app.post("/dead-letters/redrive", response_class=HTMLResponse)
    async def redrive(request: Request) -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        form = await _form(request)
        service = form.get("service", "")
        consumer = form.get("consumer") or None
        relay = form.get("relay") == "1"
        answer = await services.post(
            service, "/operations/redrive", user.headers, {"consumer": consumer, "relay": relay}
        )
        return render(request, "redrive_result.html", answer=answer, service=service)

    # ------------------------------------------------------------------------------- health

    @app.get("/health", response_class=HTMLResponse)
    async def health(request: Request) -> Response:
        user = current(request)
        if user is None:
            return to_login(request)
        ready, summary = await asyncio.gather(
            services.each("/ready", user.headers), services.each("/operations/summary", user.headers)
        )
        rows = [{"service": r.service, "ready": r, "summary": s} for r, s in zip(ready, summary, strict=True)]
        return render(request, "health.html", active="health", rows=rows)

    return app


def _moment(text: str) -> str | None:
    """A ``datetime-local`` value (county time) or an ISO time with its offset."""
    text = text.strip()
    if not text:
        return None
    moment = views.parse_time(text)
    if moment is None:
        return None
    if len(text) <= 19 and "+" not in text and not text.endswith("Z"):
        moment = moment.replace(tzinfo=views.CST)
    return moment.isoformat()


def _distinct_failures(answers: list[Answer]) -> list[Answer]:
    seen: dict[str, Answer] = {}
    for answer in views.failures(answers):
        seen.setdefault(answer.service, answer)
    return list(seen.values())
