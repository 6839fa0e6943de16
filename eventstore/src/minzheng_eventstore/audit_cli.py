"""The audit verbs of every service's command line (``verify``, ``checkpoint``), with rich tables
and progress and ``--json`` output: what an auditor runs against a service's store."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .checkpoints import against_latest, describe, public_bytes, service_key, take_checkpoint
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
            findings = list(report.findings or [])
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
