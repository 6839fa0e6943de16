"""Test helpers every service uses: a running service with an HTTP client, and given/when/then over
a pure decide/evolve.

    async with running_service(Service(ASSISTANCE, settings, clock=clock)) as svc:
        await svc.post("/households", body, expect=201)

    (Scenario(HOUSEHOLD)
        .given(HouseholdApplied(...), PublicNoticePosted(...))
        .when(lambda state: household.approve(state, now=..., ...))
        .then(ApprovalGranted(...)))                # or .then_refused("notice_period_not_over")
"""

from __future__ import annotations

import asyncio
import re
import shlex
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import httpx

from minzheng_kernel.errors import DomainError
from minzheng_kernel.events import DomainEvent

from .identity import OidcSettings, Role
from .kit import Service
from .model import RecordedEvent
from .uow import Aggregate

S = TypeVar("S")


class Issuer(Protocol):
    """What mints test tokens: the stack's local issuer (``minzheng_infra.issuer.LocalIssuer``)."""

    url: str

    def mint(self, *, subject: str, roles: Sequence[str], division: str) -> str: ...


ALL_ROLES = tuple(r.value for r in Role)


def oidc_settings(issuer: Issuer) -> OidcSettings:
    """Settings that make a service trust ``issuer`` (pass as ``ServiceSettings(..., oidc=...)``)."""
    return OidcSettings(issuer.url, f"{issuer.url}/jwks.json")


def bearer(issuer: Issuer, *roles: str, division: str, subject: str = "official-test") -> dict[str, str]:
    """Headers of a caller with ``roles`` over ``division`` (default: every role)."""
    token = issuer.mint(subject=subject, roles=list(roles or ALL_ROLES), division=division)
    return {"authorization": f"Bearer {token}"}


@dataclass
class ServiceClient:
    """A running service and an HTTP client on its app (ASGI, in process). Requests carry
    ``headers`` (by default a token with every role over the service's county, when an issuer is
    given); ``as_caller`` gives the headers of another caller."""

    service: Service
    http: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)
    issuer: Issuer | None = None

    def as_caller(
        self, *roles: str, division: str | None = None, subject: str = "official-test"
    ) -> dict[str, str]:
        assert self.issuer is not None, "running_service(..., issuer=stack.issuer) to mint tokens"
        return bearer(
            self.issuer, *roles, division=division or self.service.context().county, subject=subject
        )

    async def post(
        self, path: str, body: object = None, expect: int | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.request(
            "POST", path, json=body if body is not None else {}, expect=expect, headers=headers
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        expect: int | None = None,
        headers: dict[str, str] | None = None,
        anonymous: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """A request with the default caller's headers, with ``headers`` in their place, or
        (``anonymous``) with no authorization at all."""
        request = self.http.build_request(method, path, **kwargs)
        if anonymous or headers is not None:
            request.headers.pop("authorization", None)
        request.headers.update(self.headers if headers is None and not anonymous else headers or {})
        response = await self.http.send(request)
        if expect is not None:
            assert response.status_code == expect, f"{response.status_code}: {response.text}"
        return response

    async def get(
        self, path: str, expect: int | None = 200, headers: dict[str, str] | None = None, **params: Any
    ) -> httpx.Response:
        return await self.request("GET", path, params=params or None, expect=expect, headers=headers)

    async def relay_caught_up(self, within: float = 60) -> None:
        relay = self.service.host.relay
        assert relay is not None, "the relay is not running in this process"
        assert await relay.drain(within=within)


@asynccontextmanager
async def running_service(
    service: Service, *, issuer: Issuer | None = None, **start: bool
) -> AsyncIterator[ServiceClient]:
    """Start ``service`` (``start`` as ``ServiceHost.start``: ``background=False`` to drive
    schedulers by hand) and give an HTTP client on its app; with ``issuer``, its requests carry a
    token with every role over the county."""
    app = service.app()
    async with (
        service.host.running(**start),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{service.definition.name}"
        ) as http,
    ):
        client = ServiceClient(service, http, issuer=issuer)
        if issuer is not None:
            client.headers = client.as_caller()
        yield client


async def kill_midway(args: Sequence[str], written: Callable[[], Awaitable[int]], *, at_least: int) -> None:
    """Run ``args`` (a process that prints ``running`` once it starts its work), wait until
    ``written()`` counts ``at_least``, and kill it with SIGKILL (kill -9): the reliability tests'
    crash in the middle of a payment run."""
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    while (line := await proc.stdout.readline()) and line.strip() != b"running":  # the start-up log
        pass
    assert line.strip() == b"running", "the process ended before it started its work"
    for _ in range(6000):
        if await written() >= at_least:
            break
        await asyncio.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert await proc.wait() == -signal.SIGKILL


def refused(response: httpx.Response, status: int, code: str, field: str | None = None) -> None:
    """The response is the one error shape with ``status``, ``code`` (and ``field``)."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    if field is not None:
        assert error["field"] == field, error


def request_example(spec: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The first example of an operation's request body in an OpenAPI document (``None``: no body)."""
    body = spec["paths"][path][method].get("requestBody")
    if body is None:
        return None
    schema = body["content"]["application/json"]["schema"]
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    examples: list[dict[str, Any]] = schema["examples"]
    return examples[0]


class Scenario(Generic[S]):
    """given (past events) / when (a pure decision) / then (the new events, or a refusal)."""

    def __init__(self, aggregate: Aggregate[S]) -> None:
        self.aggregate = aggregate
        self._history: list[DomainEvent] = []
        self._decide: Callable[[S], Sequence[DomainEvent]] | None = None

    def given(self, *events: DomainEvent) -> Scenario[S]:
        self._history.extend(events)
        return self

    @property
    def state(self) -> S:
        return self.aggregate.apply(self.aggregate.initial(), self._history)

    def when(self, decide: Callable[[S], Sequence[DomainEvent]]) -> Scenario[S]:
        self._decide = decide
        return self

    def _run(self) -> Sequence[DomainEvent]:
        assert self._decide is not None, "when(...) first"
        return self._decide(self.state)

    def then(self, *expected: DomainEvent) -> S:
        """The decision gives exactly ``expected``; returns the state after them."""
        got = list(self._run())
        assert got == list(expected), f"expected {list(expected)!r}, got {got!r}"
        return self.aggregate.apply(self.state, got)

    def then_refused(self, code: str, kind: type[DomainError] = DomainError) -> DomainError:
        """The decision is refused with ``code`` (a ``kind`` of ``DomainError``)."""
        try:
            got = self._run()
        except DomainError as exc:
            assert isinstance(exc, kind), f"expected a {kind.__name__}, got {type(exc).__name__}"
            assert exc.code == code, f"expected refusal {code!r}, got {exc.code!r}: {exc.message}"
            return exc
        raise AssertionError(f"expected refusal {code!r}, got events {list(got)!r}")


def publication_mapping_problems(service: Service, samples: Sequence[Any]) -> list[str]:
    """For the publication-mapping test: every event type the service declares either maps to a
    contract that validates (checked on ``samples``, recorded events of each type) or is declared
    internal. Returns what is wrong, empty when all is well."""
    from .relay import publication_check

    definition = service.definition
    assert definition.publication is not None
    check = publication_check(definition.publication)
    problems: list[str] = []
    sampled = {e.event_type for e in samples}
    problems += [f"{name}: no sample event in the test" for name in sorted(definition.events.names - sampled)]
    problems += [f"{name}: not a declared event type" for name in sorted(sampled - definition.events.names)]
    for event in samples:
        message = definition.publication(event)
        if message is None and event.event_type not in definition.internal_events:
            problems.append(f"{event.event_type}: not published and not declared internal")
        if message is not None and event.event_type in definition.internal_events:
            problems.append(f"{event.event_type}: declared internal but published")
        try:
            check(event)
        except Exception as exc:
            problems.append(f"{event.event_type}: {exc}")
    return problems


SAMPLE_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def sample_recorded(
    event: DomainEvent,
    n: int = 1,
    *,
    stream_type: str = "sample",
    stream_id: str | None = None,
    jurisdiction: str = "330727",
    actor: str = "official-test",
    at: datetime = SAMPLE_AT,
) -> RecordedEvent:
    """A typed event as the store would give it back (a publication-mapping test's sample)."""
    return RecordedEvent(
        stream_id or f"{stream_type}-sample-{n}",
        stream_type,
        1,
        n,
        n,
        uuid.uuid4(),
        event.event_type,
        event.schema_version,
        event.to_data(),
        at,
        at,
        uuid.uuid4(),
        None,
        None,
        actor,
        jurisdiction,
    )


def readme_walkthrough(readme: Path) -> tuple[dict[str, str], list[str]]:
    """The variables and the ``curl`` lines of a README's ``## Walk-through`` bash block (anything
    else but comments is refused: the block must run as written)."""
    section = readme.read_text().split("## Walk-through", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, f"{readme}: no bash block under ## Walk-through"
    variables: dict[str, str] = {}
    commands: list[str] = []
    for line in block.group(1).splitlines():
        if line.startswith("curl "):
            commands.append(line)
        elif m := re.match(r"^([A-Z][A-Z0-9]*)=(.*)$", line):
            variables[m.group(1)] = m.group(2)
        else:
            assert line.startswith("#") or not line.strip(), f"not a curl, a variable or a comment: {line}"
    return variables, commands


def parse_curl(line: str, values: dict[str, str]) -> tuple[str, str, dict[str, str], str | None]:
    """``(method, url, headers, body)`` of a walk-through's ``curl`` line, ``$NAME``s replaced."""
    for name, value in values.items():
        line = line.replace(f"${name}", value)
    args = iter(shlex.split(line)[1:])
    method, url, headers, body = "GET", "", {}, None
    for arg in args:
        if arg == "-s":
            continue
        if arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, _, value = next(args).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            body = next(args)
        else:
            url = arg
    return method, url, headers, body
