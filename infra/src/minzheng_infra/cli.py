"""Command line ``minzheng`` (the console script; also ``python -m minzheng_infra``): ``up |
provision | run | status | down | token | audit person``."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .aio import run_sync
from .config import load_services, load_streams
from .credentials import Credentials, redact
from .endpoints import Endpoints
from .procutil import alive, port_open, terminate
from .provision import provision as provision_all
from .runner import Plan, StackBusy, StopRequested, print_servers, run, stack_lock, supervisor_pid
from .stack import EmbeddedStack, dev_stack_dir

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="minzheng: the development stack, tokens, and the auditor's county view (minzheng audit person)",
)
console = Console()

StackDir = Annotated[
    Path | None,
    typer.Option("--stack-dir", help="stack folder (default: MINZHENG_STACK_DIR or <repo>/.stack)"),
]


@app.command()
def up(stack_dir: StackDir = None) -> None:
    """Start the embedded PostgreSQL + NATS, provision them, print the URLs, wait for Ctrl-C."""
    root = (stack_dir or dev_stack_dir()).resolve()
    stop = StopRequested()
    try:
        with stack_lock(root), stop.installed():
            stack = EmbeddedStack.dev(root)
            try:
                stack.start()
                report = stack.provision()
                console.print(f"provisioned: {len(report.changed())} change(s)")
                print_servers(console, Plan(stack.endpoints, stack, True, True))
                console.print("up; Ctrl-C stops NATS, then PostgreSQL")
                stop.event.wait()
            finally:
                stack.stop()
                console.print("stopped")
    except StackBusy as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None


@app.command()
def provision(
    database_url: Annotated[
        str | None, typer.Option(envvar="DATABASE_URL", help="admin URL of PostgreSQL")
    ] = None,
    nats_url: Annotated[str | None, typer.Option(envvar="NATS_URL", help="admin URL of NATS")] = None,
    profile: Annotated[str, typer.Option(help="streams.toml profile: dev (R1) or prod (R3)")] = "dev",
    secrets: Annotated[
        Path | None, typer.Option(help="passwords file (default: <stack>/secrets.json)")
    ] = None,
    stack_dir: StackDir = None,
) -> None:
    """Create/update roles, databases and streams (idempotent): on the running embedded stack, or on URLs."""
    root = (stack_dir or dev_stack_dir()).resolve()
    services = load_services()
    if database_url is None or nats_url is None:
        stack = EmbeddedStack.dev(root)
        if not stack.is_running():
            console.print("[red]the embedded stack is not running: start it with `up`/`run`, or give URLs[/]")
            raise typer.Exit(1)
        database_url = database_url or stack.pg_admin_dsn
        nats_url = nats_url or stack.nats_admin_url
    credentials = Credentials.load_or_create(secrets or root / "secrets.json", [s.name for s in services])
    endpoints = Endpoints(services, credentials, database_url, nats_url)
    report = run_sync(provision_all(endpoints, load_streams(profile=profile)))
    table = Table(title=f"provisioned ({redact(database_url)}, {redact(nats_url)})")
    for column in ("kind", "name", "action"):
        table.add_column(column)
    for row in report.actions:
        table.add_row(*row)
    console.print(table)


@app.command("run")
def run_command(
    seed: Annotated[bool, typer.Option("--seed/--no-seed", help="run each service's seed-demo")] = True,
    service: Annotated[list[str] | None, typer.Option("--service", "-s", help="only these services")] = None,
    stack_dir: StackDir = None,
) -> None:
    """What `make run` does: stack (or DATABASE_URL/NATS_URL), provision, migrate, seed, serve."""
    try:
        code = run(console, seed=seed, only=service or None, root=stack_dir)
    except StackBusy as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    raise typer.Exit(code)


@app.command()
def status(stack_dir: StackDir = None) -> None:
    """What is running in the stack folder."""
    root = (stack_dir or dev_stack_dir()).resolve()
    if not (root / "stack.json").exists():
        console.print(f"no stack in {root}")
        return
    stack = EmbeddedStack.dev(root)
    table = Table(title=f"stack {root}")
    for column in ("what", "pid", "state", "where"):
        table.add_column(column)
    sup = supervisor_pid(root)
    table.add_row("supervisor", str(sup or "-"), "running" if alive(sup) else "stopped", "")
    pg_pid = stack.postgres.pid
    table.add_row("PostgreSQL", str(pg_pid or "-"), _state(pg_pid), redact(stack.pg_admin_dsn))
    nats_pid = stack.nats.pid
    table.add_row("NATS", str(nats_pid or "-"), _state(nats_pid), redact(stack.nats_admin_url))
    for spec in stack.services:
        if spec.exists():
            listening = port_open(spec.http_port)
            table.add_row(
                spec.name, "", "listening" if listening else "down", f"http://127.0.0.1:{spec.http_port}"
            )
    console.print(table)


def _state(pid: int | None) -> str:
    return "running" if alive(pid) else "stopped"


@app.command()
def down(stack_dir: StackDir = None) -> None:
    """Stop the supervisor of the stack folder (services, NATS, PostgreSQL), or leftover servers."""
    root = (stack_dir or dev_stack_dir()).resolve()
    sup = supervisor_pid(root)
    if sup is not None and alive(sup) and sup != os.getpid():
        console.print(f"stopping supervisor {sup}")
        terminate(sup, signal.SIGTERM, 60.0)
    if (root / "stack.json").exists():
        stack = EmbeddedStack.dev(root)
        if stack.nats.is_running() or stack.postgres.is_running():
            console.print("stopping leftover servers")
            stack.stop()
    console.print("down")


@app.command()
def token(
    role: list[str] = typer.Option(..., "--role", help="a role, e.g. township-caseworker (repeat for more)"),
    division: str = typer.Option(
        ..., "--division", help="the division code the token reaches, e.g. 330727101"
    ),
    subject: str = typer.Option("", "--subject", help="the official (default: <role>@<division>)"),
    hours: int = typer.Option(8, "--hours", min=1, max=24 * 30, help="how long the token is valid"),
    stack_dir: StackDir = None,
) -> None:
    """Mint a bearer token from the stack's local OIDC issuer (development and demos only)."""
    from .identity_cli import mint_token

    typer.echo(mint_token((stack_dir or dev_stack_dir()).resolve(), role, division, subject, hours))


audit_app = typer.Typer(no_args_is_help=True, help="the auditor's county view (asks every service's API)")
app.add_typer(audit_app, name="audit")


@audit_app.command("person")
def audit_person(
    resident: Annotated[str, typer.Argument(help="the person's resident ID (18 characters)")],
    as_of: Annotated[
        str, typer.Option("--as-of", help="a day (its end, +08:00) or a time with its offset")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="the timeline as JSON")] = False,
    service: Annotated[list[str] | None, typer.Option("--service", "-s", help="only these services")] = None,
    division: Annotated[str, typer.Option(help="the county the auditor's token reaches")] = "330727",
    token_: Annotated[
        str, typer.Option("--token", envvar="MINZHENG_AUDITOR_TOKEN", help="an auditor's bearer token")
    ] = "",
    url: Annotated[
        list[str] | None,
        typer.Option(
            "--url", help="a service's API as NAME=URL (repeat for more; default: the stack's services)"
        ),
    ] = None,
    stack_dir: StackDir = None,
) -> None:
    """One person's timeline across every service, from each service's API with an auditor's token
    (minted from the stack's issuer unless --token is given), as of a day if asked:
    ``minzheng audit person <resident id> [--as-of DATE] [--json]``."""
    import json
    import re

    from .audit import as_of_moment, ask_services, timeline_table
    from .identity_cli import mint_token

    person = resident.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", person):  # each service checks the checksum (a 422)
        raise typer.BadParameter("a resident ID is 17 digits and a digit or X", param_hint="RESIDENT")
    try:
        moment = as_of_moment(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(
            "a day (2026-05-12) or a time with its offset", param_hint="--as-of"
        ) from None
    root = (stack_dir or dev_stack_dir()).resolve()
    if url:
        urls = dict(_named_url(u) for u in url)
    else:
        specs = [s for s in load_services() if s.exists()]
        urls = {s.name: f"http://127.0.0.1:{s.http_port}" for s in specs}
    urls = {name: u for name, u in urls.items() if not service or name in service}
    token = token_ or mint_token(root, ["auditor"], division, "auditor@county-view", 1)
    timeline = run_sync(ask_services(urls, token, person, moment))
    if as_json:
        print(json.dumps(timeline.as_json(), ensure_ascii=False, indent=1))
    else:
        counted = f"{len(timeline.events)} events in {len(timeline.streams)} services"
        title = f"{person[:6]}********{person[-4:]}: {counted}"
        console.print(timeline_table(timeline, title + (f" as of {moment}" if moment else "")))
        for name, why in timeline.unreachable.items():
            console.print(f"[yellow]{name}[/]: {why}")
    raise typer.Exit(1 if timeline.unreachable else 0)


def _named_url(text: str) -> tuple[str, str]:
    name, _, url = text.partition("=")
    if not name.strip() or not url.startswith(("http://", "https://")):
        raise typer.BadParameter("NAME=http://host:port", param_hint="--url")
    return name.strip(), url
