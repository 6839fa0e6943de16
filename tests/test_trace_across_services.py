"""One case is one trace, across processes: a death registered in the registry by HTTP, consumed by
assistance, veterans and eldercare, each a service process of its own (``python -m <package>
serve``, as ``make run`` starts them) writing its spans to its own ``MINZHENG_TRACE_FILE``.

The three consumers know the person (their demo data: the demo's one case across services, the
same resident in every demo), so each reaction appends and publishes (assistance ends the household's
case, veterans cancels the entitlement, eldercare ends the allowance). From the four files alone:
one trace id; the registry's HTTP span → its append (the message's creation context, carried on
the wire) → each consumer's process span (CONSUMER, naming the subject, the message id and the
event type) → the consumer's appends → its own publish span (PRODUCER); the registry's relay
published the death in a publish span that is the append's child or, when its page held other
traces too, links to it (OpenTelemetry's batch send)."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from minzheng_contracts import DeathRegistered
from minzheng_eldercare.adapters.payments.demo import CASE_PERSON, CASE_VILLAGE
from minzheng_eventstore.testing import bearer
from minzheng_infra.config import load_services
from minzheng_infra.procutil import free_port
from minzheng_infra.pytest_plugin import stacks_base
from minzheng_infra.services import TRACE_FILE_ENV, ServiceProcess, run_step
from minzheng_infra.stack import EmbeddedStack

CST = timezone(timedelta(hours=8))
CONSUMERS = ("assistance", "veterans", "eldercare")
PRODUCER = 4  # OTLP span kinds in JSON: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
CONSUMER = 5


@dataclass(frozen=True)
class Span:
    service: str
    trace_id: str
    span_id: str
    parent: str | None
    name: str
    kind: int
    attributes: dict[str, Any]
    links: tuple[tuple[str, str], ...] = ()
    """(trace id, span id) of each linked span."""


def _value(v: dict[str, Any]) -> Any:
    if "intValue" in v:
        return int(v["intValue"])
    return next(iter(v.values()), None)


def read_spans(path: Path) -> Iterator[Span]:
    """The spans of one trace file (OTLP JSON lines: one ExportTraceServiceRequest a line)."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        for rs in json.loads(line)["resourceSpans"]:
            resource = {a["key"]: _value(a["value"]) for a in rs["resource"].get("attributes", ())}
            for ss in rs["scopeSpans"]:
                for s in ss["spans"]:
                    yield Span(
                        resource["service.name"],
                        s["traceId"],
                        s["spanId"],
                        s.get("parentSpanId"),
                        s["name"],
                        s["kind"],
                        {a["key"]: _value(a["value"]) for a in s.get("attributes", ())},
                        tuple((k["traceId"], k["spanId"]) for k in s.get("links", ())),
                    )


def _env(stack: Any, name: str, database: str, trace_file: Path) -> dict[str, str]:
    spec = next(s for s in load_services() if s.name == name)
    key = spec.env_prefix
    return {
        f"{key}_DATABASE_URL": database,
        f"{key}_NATS_URL": stack.nats_url(name),
        f"{key}_PSEUDONYM_KEY": stack.env_for(name)[f"{key}_PSEUDONYM_KEY"],
        f"{key}_OIDC_ISSUER": stack.issuer.url,
        TRACE_FILE_ENV: str(trace_file),
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # spans in the file within a tenth of a second
    }


@pytest.fixture
def own_stack() -> Iterator[EmbeddedStack]:
    """PostgreSQL and NATS of this test alone: the session's NATS holds every earlier test's
    messages and durables (``veterans-deaths-v1`` resumes where another test left it), which a
    service process started here would work through before the death; here it starts at zero."""
    stack = EmbeddedStack.ephemeral(base=stacks_base())
    try:
        stack.start()
        stack.provision()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)


async def test_a_death_is_one_trace_from_the_registry_through_three_consumers_and_their_publications(
    own_stack: EmbeddedStack, tmp_path: Path
) -> None:
    stack: Any = own_stack  # the session fixture's shape (tests type it loosely)
    names = ("registry", *CONSUMERS)
    specs = {s.name: s for s in load_services() if s.name in names}
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    databases = {}
    try:
        for name in names:
            db = f"trace_{name}_{uuid.uuid4().hex[:8]}"
            await admin.execute(f'CREATE DATABASE "{db}"')
            databases[name] = stack.postgres.admin_url(db)
    finally:
        await admin.close()
    files = {name: tmp_path / f"{name}.jsonl" for name in names}
    envs = {name: _env(stack, name, databases[name], files[name]) for name in names}
    logs = {name: tmp_path / f"{name}.log" for name in names}

    def seed(name: str) -> None:  # the consumers' demo data: the person they know
        result = run_step(specs[name], ["seed-demo"], envs[name], logs[name], 240)
        assert result.ok, result.output_tail

    with ThreadPoolExecutor(len(CONSUMERS)) as pool:
        list(pool.map(seed, CONSUMERS))
    processes = {name: ServiceProcess(specs[name], free_port(), envs[name], logs[name]) for name in names}
    try:
        for process in processes.values():
            process.start()
        for name, process in processes.items():
            assert await asyncio.to_thread(process.wait_listening, 90), logs[name].read_text()[-3000:]
        base = {name: f"http://127.0.0.1:{p.port}" for name, p in processes.items()}
        async with httpx.AsyncClient(timeout=10) as http:
            for name in CONSUMERS:  # the durable consumers are there before the death is
                for _ in range(200):
                    if (await http.get(f"{base[name]}/ready")).json().get("ready"):
                        break
                    await asyncio.sleep(0.1)
            registrar = bearer(stack.issuer, "registrar", division="330727", subject="registrar-1")
            yesterday = (datetime.now(CST) - timedelta(days=1)).date()
            answer = await http.post(
                f"{base['registry']}/deaths",
                json={
                    "deceased": CASE_PERSON.reveal(),
                    "date_of_death": yesterday.isoformat(),
                    "place": CASE_VILLAGE,
                    "residence": CASE_VILLAGE,
                    "office": "330727",
                },
                headers=registrar,
            )
            assert answer.status_code == 201, answer.text

        def tree() -> tuple[Span, list[Span]] | None:
            spans = [s for f in files.values() for s in read_spans(f)]
            roots = [
                s for s in spans if s.service == "registry" and s.name == "POST /deaths" and s.parent is None
            ]
            if not roots:
                return None
            root = roots[-1]
            # the case's trace, and the publish spans of relay pages that held other traces too
            # (a trace of their own, linked to each message's creation context in this one)
            return root, [
                s
                for s in spans
                if s.trace_id == root.trace_id or any(link[0] == root.trace_id for link in s.links)
            ]

        def complete(found: tuple[Span, list[Span]] | None) -> bool:
            if found is None:
                return False
            _, spans = found
            publishers = {s.service for s in spans if s.kind == PRODUCER}
            processed = {s.service for s in spans if s.kind == CONSUMER}
            return set(CONSUMERS) <= processed and {"registry", *CONSUMERS} <= publishers

        found = tree()
        for _ in range(900):  # up to 90 s: four processes on two loaded cores in CI
            if complete(found):
                break
            await asyncio.sleep(0.1)
            found = tree()
        assert found is not None, {n: logs[n].read_text()[-2000:] for n in names}
        root, spans = found
        assert complete(found), sorted((s.service, s.name) for s in spans)
    finally:
        for process in processes.values():
            process.stop()

    by_id = {s.span_id: s for s in spans}
    assert len(by_id) == len(spans)
    # one trace id for the case: every span is in it, but a publish span linked to it
    assert all(s.trace_id == root.trace_id or (s.kind == PRODUCER and s.links) for s in spans)

    def caused_by(span: Span, parents: set[str]) -> bool:
        """A child of one of ``parents``, or (a shared publish span) linked to one."""
        return span.parent in parents or any(link[1] in parents for link in span.links)

    def ancestors(span: Span) -> Iterator[Span]:
        while span.parent is not None and span.parent in by_id:
            span = by_id[span.parent]
            yield span

    # the registry: HTTP span → append, whose context the message carries; the relay's publish
    # span is the append's child, or links to it (a page of several traces)
    registry_appends = {
        s.span_id: s
        for s in spans
        if s.service == "registry" and s.name.startswith("append ") and root in ancestors(s)
    }
    [death_publish] = [
        s
        for s in spans
        if s.service == "registry"
        and s.kind == PRODUCER
        and s.name == f"{DeathRegistered.SUBJECT} publish"
        and caused_by(s, set(registry_appends))
    ]
    assert death_publish.attributes["messaging.system"] == "nats"
    assert death_publish.attributes["messaging.destination.name"] == DeathRegistered.SUBJECT
    assert death_publish.attributes["minzheng.service"] == "registry"

    # each consumer (a service may have several durables on the subject): its process span is
    # a child of the registry's append (the message's creation context) and names the message
    reactions: dict[str, list[str]] = {}
    message_ids: set[str] = set()
    for name in CONSUMERS:
        processing = [
            s for s in spans if s.service == name and s.kind == CONSUMER and s.parent in registry_appends
        ]
        assert processing, f"{name} has no process span under the registry's append"
        durables = [s.attributes["minzheng.consumer"] for s in processing]
        assert len(set(durables)) == len(durables)  # each durable handled the message once
        appends: list[Span] = []
        for process_span in processing:
            assert process_span.name == f"{DeathRegistered.SUBJECT} process"
            a = process_span.attributes
            assert a["messaging.system"] == "nats"
            assert a["messaging.destination.name"] == DeathRegistered.SUBJECT
            message_ids.add(a["messaging.message.id"])
            assert a["minzheng.event_type"] == "DeathRegistered"
            assert a["minzheng.service"] == name and a["minzheng.consumer"].startswith(f"{name}-")
            assert a["minzheng.delivery_count"] >= 1 and a["minzheng.stream_sequence"] >= 1
            appends += [s for s in spans if s.name.startswith("append ") and process_span in ancestors(s)]
        assert appends, f"{name} appended nothing in the death's trace"
        assert all(s.service == name for s in appends)
        published = [
            s
            for s in spans
            if s.service == name and s.kind == PRODUCER and caused_by(s, {a.span_id for a in appends})
        ]
        reactions[name] = sorted(s.name for s in published)
    # one message, the death's, handled by every durable; the publish span names it when alone
    [message_id] = message_ids
    assert death_publish.attributes.get("messaging.message.id", message_id) == message_id
    # every reaction is published on, continuing the same trace to the next hop
    assert all(reactions.values()), reactions
