"""The replay verbs of every service's command line (``rebuild``, ``republish``): rich progress and
tables, ``--json`` output; what an operator runs against a service's store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .rebuild import RebuildReport, Target, compare, events_to_fold, rebuild_live

if TYPE_CHECKING:
    from .kit import Service
    from .republish import Range, RepublishReport


@contextmanager
def _bar(label: str, total: int, console: Console | None) -> Iterator[Any]:
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=console is None,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _target(service: Service, name: str) -> Target:
    for p in service.definition.projections:
        if p.name == name:
            return Target(p.name, p.handle, p.stream_types, p.reset, p.batch_size)
    known = ", ".join(p.name for p in service.definition.projections) or "none"
    raise KeyError(f"{service.definition.name} has no projection {name!r} (it has: {known})")


async def rebuild_projection(
    service: Service, name: str, *, check: bool, apply: bool, console: Console | None = None
) -> RebuildReport:
    """Rebuild ``name`` (in place, or with ``check`` beside the live one and compared)."""
    target = _target(service, name)
    host = service.host
    async with host.running(consume=False, relay=False, project=False, background=False):
        total = await events_to_fold(host.store, target.stream_types)
        with _bar(f"rebuild {name}", total, console) as advance:
            if check:
                return await compare(
                    host.store, host.settings.database_url, target, apply=apply, progress=advance
                )
            projection = host.projection(name)
            folded = await rebuild_live(projection, advance)
            return RebuildReport(name, folded, folded, str(await projection.checkpoint()), applied=True)


def run_rebuild(service: Service, name: str, *, check: bool, apply: bool, as_json: bool) -> int:
    """Rebuild and print; the exit status (1: the rebuilt read model differs from the live one)."""
    console = None if as_json else Console(stderr=True)
    report = asyncio.run(rebuild_projection(service, name, check=check, apply=apply, console=console))
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
        return 0 if report.same else 1
    out = Console()
    if not check:
        out.print(f"[green]rebuilt[/green] {name}: {report.events} events folded, at {report.checkpoint}")
        return 0
    table = Table(title=f"{name}: {report.events} events folded again, up to {report.checkpoint}")
    for column in ("table", "live rows", "rebuilt rows", "missing", "extra", "changed"):
        table.add_column(column)
    for t in report.tables:
        table.add_row(
            t.table, str(t.live_rows), str(t.rebuilt_rows), str(t.missing), str(t.extra), str(t.changed)
        )
    out.print(table)
    for t in report.tables:
        for d in t.differences:
            columns = f" columns {', '.join(d.columns)}" if d.columns else ""
            out.print(f"  {t.table}: {d.kind} {json.dumps(d.key, default=str)}{columns}")
    verdict = "[green]same as the live read model[/green]" if report.same else "[red]differs[/red]"
    applied = " (the live tables took the rebuilt rows)" if report.applied else " (rolled back)"
    out.print(verdict + applied)
    return 0 if report.same else 1


def run_republish(service: Service, span: Range, *, as_json: bool) -> int:
    """Publish a range again and print how many; exit 1 when some could not be published."""
    from .republish import republish

    console = None if as_json else Console(stderr=True)

    async def run() -> RepublishReport:
        host = service.host
        async with host.running(consume=False, relay=False, project=False, background=False):
            if host.publication is None:
                raise SystemExit(f"{service.definition.name} publishes nothing")
            with _bar("republish", 0, console) as advance:
                return await republish(
                    host.store, host.nats.jetstream(), host.publication, span, progress=advance
                )

    report = asyncio.run(run())
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        Console().print(
            f"republished {report.published} messages for {report.events} events "
            f"({report.internal} internal, {report.duplicates} dropped by JetStream as repeats, "
            f"{report.failed} failed)"
        )
    return 1 if report.failed else 0
