"""The audit verbs of every service's command line (``verify``, ``checkpoint``, ``bundle``, and the
reads ``history``, ``state``, ``explain``), with rich tables and progress and ``--json`` output:
what an auditor runs against a service's store. A read that is refused (bad input, nothing found)
prints the refusal (``{"error": {code, message, field}}`` with ``--json``) and exits with 2."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from minzheng_kernel.errors import DomainError

from .checkpoints import against_latest, describe, public_bytes, service_key, take_checkpoint
from .errors import EventStoreError
from .verify import Finding, verify_all, verify_stream


def _key(host: Any) -> Any:
    return service_key(host.settings.chain_signing_key, host.settings.pseudonym_key)


async def _verify(host: Any, stream: str | None, console: Console | None) -> tuple[list[Finding], int, int]:
    running = host.running(consume=False, relay=False, project=False, background=False)
    async with running, host.store.pool.acquire() as conn:
        if stream is not None:
            findings = await verify_stream(conn, stream)
            events = int(await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", stream))
            streams = 1
        else:
            total = int(await conn.fetchval("SELECT count(*) FROM events"))
            with Progress(
                TextColumn("verify"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                disable=console is None,
                transient=True,
            ) as progress:
                task = progress.add_task("events", total=total)
                report = await verify_all(conn, progress=lambda n: progress.advance(task, n))
            findings = list(report.findings)
            streams, events = report.streams, report.events
        trusted = public_bytes(_key(host).public_key())
        against = await against_latest(conn, trusted=trusted)
        if stream is not None:
            against = [f for f in against if f.stream_id in (stream, "(checkpoint)")]
        return findings + against, streams, events


def run_verify(host: Any, stream: str | None, *, as_json: bool) -> int:
    """Verify and print; the exit status (1: something is wrong)."""
    console = None if as_json else Console(stderr=True)
    findings, streams, events = asyncio.run(_verify(host, stream, console))
    if as_json:
        body = {
            "streams": streams,
            "events": events,
            "intact": not findings,
            "findings": [asdict(f) for f in findings],
        }
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return 1 if findings else 0
    out = Console()
    if not findings:
        out.print(
            f"[green]intact[/green]: {streams} streams, {events} events, chains and checkpoint verified"
        )
        return 0
    table = Table(title=f"{len(findings)} findings over {streams} streams, {events} events")
    for column in ("kind", "stream", "version", "event", "detail"):
        table.add_column(column)
    for f in findings:
        table.add_row(
            f.kind, f.stream_id, "" if f.version is None else str(f.version), f.event_id or "", f.detail
        )
    out.print(table)
    return 1


def run_checkpoint(host: Any, *, as_json: bool) -> None:
    async def run() -> dict[str, Any]:
        async with host.running(consume=False, relay=False, project=False, background=False):
            return describe(await take_checkpoint(host.store.pool, host.service, _key(host)))

    body = asyncio.run(run())
    if as_json:
        print(json.dumps(body, indent=2))
        return
    table = Table(title="signed checkpoint")
    table.add_column("field")
    table.add_column("value")
    for k, v in body.items():
        table.add_row(k, str(v))
    Console().print(table)


def run_bundle(host: Any, streams: list[str], out: str) -> None:
    from .bundle import export

    async def run() -> dict[str, Any]:
        async with host.running(consume=False, relay=False, project=False, background=False):
            return await export(host.store.pool, host.service, _key(host), streams)

    text = json.dumps(asyncio.run(run()), ensure_ascii=False, indent=1)
    if out == "-":
        print(text)
        return
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    Console(stderr=True).print(f"bundle of {len(streams)} streams written to {out}")


# --------------------------------------------------------------------- history, state, explain


_REFUSALS = (DomainError, EventStoreError, ValueError)
"""What a read refuses (bad input, nothing found), printed with exit status 2; anything else is a
fault and raises."""


def _offline(host: Any) -> Any:
    return host.running(consume=False, relay=False, project=False, background=False)


def _refused(exc: Exception, as_json: bool) -> int:
    """A refusal (bad input, nothing found) printed as the HTTP reads answer it; exit status 2."""
    code = getattr(exc, "code", type(exc).__name__)
    body = {"error": {"code": code, "message": str(exc), "field": getattr(exc, "field", None)}}
    if as_json:
        print(json.dumps(body, ensure_ascii=False))
    else:
        Console(stderr=True).print(f"[red]{code}[/red]: {exc}")
    return 2


def _events_table(title: str, events: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    for column in ("recorded", "occurred", "stream", "v", "type", "actor", "correlation", "causation"):
        table.add_column(column, overflow="fold")
    for e in events:
        table.add_row(
            e["recorded_at"],
            e["occurred_at"],
            e["stream_id"],
            str(e["version"]),
            e["event_type"],
            e["actor"] or "",
            (e["correlation_id"] or "")[:8],
            (e["causation_id"] or "")[:8],
        )
    return table


def run_history(service: Any, stream: str, resident: str, as_of: str, *, as_json: bool) -> int:
    from minzheng_contracts import ResidentId

    from .asof import parse_moment
    from .history import person_history, stream_history

    if bool(stream) == bool(resident):
        return _refused(ValueError("give --stream or --resident"), as_json)

    async def run() -> dict[str, Any]:
        moment = parse_moment(as_of) if as_of else None
        async with _offline(service.host):
            if stream:
                found = await stream_history(service.host.store, stream, as_of=moment)
            else:
                ctx, sources = service.context(), service.audit_sources()
                person = ResidentId(resident).reveal()
                found = await person_history(
                    ctx.store, ctx.pseudonyms, sources.person_purposes, person, as_of=moment
                )
            return found.as_json()

    try:
        body = asyncio.run(run())
    except _REFUSALS as exc:  # invalid input, no such stream or payment
        return _refused(exc, as_json)
    if as_json:
        print(json.dumps(body, ensure_ascii=False, indent=1, default=str))
        return 0
    Console().print(
        _events_table(f"{len(body['events'])} events in {len(body['streams'])} streams", body["events"])
    )
    return 0


def run_state(service: Any, stream: str, as_of: str, *, as_json: bool) -> int:
    from .asof import parse_moment, state_as_of

    async def run() -> dict[str, Any]:
        moment = parse_moment(as_of)
        async with _offline(service.host):
            sources = service.audit_sources()
            return (await state_as_of(service.host.store, stream, moment, sources.aggregates)).as_json()

    try:
        body = asyncio.run(run())
    except _REFUSALS as exc:
        return _refused(exc, as_json)
    if as_json:
        print(json.dumps(body, ensure_ascii=False, indent=1, default=str))
        return 0
    out = Console()
    table = Table(title=f"{stream} as of {body['as_of']}")
    table.add_column("")
    table.add_column("known then")
    table.add_column("known now about then")
    then, now = body["known_then"], body["known_now"]
    table.add_row("version", str(then["version"]), str(now["version"]))
    table.add_row("events", str(len(then["events"])), str(len(now["events"])))
    table.add_row(
        "state",
        json.dumps(then["state"], ensure_ascii=False, indent=1),
        json.dumps(now["state"], ensure_ascii=False, indent=1),
    )
    out.print(table)
    if body["late"]:
        out.print(_events_table("recorded since, about then (late facts, corrections)", body["late"]))
    if body["ahead"]:
        out.print(_events_table("known then, taking effect later", body["ahead"]))
    return 0


def run_explain(service: Any, payment: str, *, as_json: bool) -> int:
    from .explain import declared_payments, explain

    rules = declared_payments(service.definition.name)

    async def run() -> dict[str, Any]:
        async with _offline(service.host):
            return (await explain(service.host.store, payment, rules)).as_json()

    try:
        body = asyncio.run(run())
    except _REFUSALS as exc:
        return _refused(exc, as_json)
    if as_json:
        print(json.dumps(body, ensure_ascii=False, indent=1, default=str))
        return 0
    out = Console()
    p = body["payment"]
    out.print(f"[bold]{p['event_type']}[/bold] {p['stream_id']} v{p['version']}: {body['amount_fen']} fen")
    if body["formula"]:
        out.print(f"rule: {body['formula']} = {body['recomputed_fen']} fen")
    table = Table(title="standards")
    for column in ("standard", "value then", "set by (event, recorded)", "recorded since"):
        table.add_column(column, overflow="fold")
    for s in body["standards"]:
        set_by = s["set_by"] or {}
        since = ", ".join(f"{e['data'].get('standard_id')}={e['data'].get('value')}" for e in s["since"])
        table.add_row(
            s["standard_id"],
            str(s["value_then"]),
            f"{set_by.get('event_id', '')} {set_by.get('recorded_at', '')}",
            since,
        )
    out.print(table)
    inputs = Table(title="inputs")
    inputs.add_column("field")
    inputs.add_column("value", overflow="fold")
    inputs.add_column("from event", overflow="fold")
    for k, v in body["inputs"].items():
        inputs.add_row(k, json.dumps(v, ensure_ascii=False, default=str), body["input_events"].get(k, ""))
    out.print(inputs)
    out.print(_events_table("decision events", body["decisions"]))
    if body["causes"]:
        out.print(_events_table("causation chain", body["causes"]))
    return 0
