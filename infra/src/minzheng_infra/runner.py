"""``python -m minzheng_infra run``: the stack (embedded or given by URL), provisioning, every service."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.table import Table

from .aio import run_sync
from .config import ServiceSpec, StreamSpec, load_services, load_streams
from .credentials import Credentials, redact
from .endpoints import Endpoints
from .issuer import AUDIENCE, LocalIssuer
from .provision import provision
from .services import (
    ServiceProcess,
    console_services,
    console_spec,
    has_demo_seed,
    run_step,
    trace_env,
)
from .stack import EmbeddedStack, StackPorts, dev_stack_dir

MIGRATE_TIMEOUT = 600.0
SEED_TIMEOUT = 600.0
LISTEN_TIMEOUT = 60.0
DEMO_COUNTY = "330727"
"""The county of the services' demo data (``seed-demo``): the console token reaches it."""
CONSOLE_ROLES = ("operator", "auditor")
CONSOLE_TOKEN_HOURS = 12


class StackBusy(RuntimeError):
    pass


@contextlib.contextmanager
def stack_lock(root: Path) -> Iterator[None]:
    """One supervisor (``run`` / ``up``) per stack folder; its pid is in ``supervisor.pid``."""
    root.mkdir(parents=True, exist_ok=True)
    lock_path = root / "run.lock"
    with lock_path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = supervisor_pid(root)
            raise StackBusy(f"another supervisor (pid {pid}) is running on {root}") from None
        (root / "supervisor.pid").write_text(str(os.getpid()))
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                (root / "supervisor.pid").unlink()
            fcntl.flock(fh, fcntl.LOCK_UN)


def supervisor_pid(root: Path) -> int | None:
    try:
        return int((root / "supervisor.pid").read_text().strip())
    except (OSError, ValueError):
        return None


@dataclass
class Plan:
    """Where the servers are: embedded ones (``stack``) and/or given by URL (environment)."""

    endpoints: Endpoints
    stack: EmbeddedStack | None
    embedded_pg: bool
    embedded_nats: bool
    notes: list[str] = field(default_factory=list)
    issuer: LocalIssuer | None = None
    """The local OIDC issuer (``None`` when ``OIDC_ISSUER`` names another)."""


def plan_from_env(env: Mapping[str, str], root: Path | None = None) -> Plan:
    """``DATABASE_URL`` / ``NATS_URL`` replace the embedded servers; ``<SERVICE>_*_URL`` are used as given."""
    services = load_services()
    database_url = env.get("DATABASE_URL")
    nats_url = env.get("NATS_URL")
    stack: EmbeddedStack | None = None
    if database_url and nats_url:
        root = root or dev_stack_dir()
        credentials = Credentials.load_or_create(root / "secrets.json", [s.name for s in services])
    else:
        stack = EmbeddedStack.dev(root)
        credentials = stack.credentials
    endpoints = Endpoints(
        services=services,
        credentials=credentials,
        pg_admin_dsn=database_url or (stack.pg_admin_dsn if stack else ""),
        nats_admin_url=nats_url or (stack.nats_admin_url if stack else ""),
        nats_per_service_users=not nats_url,
        database_overrides={
            s.name: env[f"{s.env_prefix}_DATABASE_URL"]
            for s in services
            if env.get(f"{s.env_prefix}_DATABASE_URL")
        },
        nats_overrides={
            s.name: env[f"{s.env_prefix}_NATS_URL"] for s in services if env.get(f"{s.env_prefix}_NATS_URL")
        },
    )
    plan = Plan(endpoints, stack, embedded_pg=not database_url, embedded_nats=not nats_url)
    if env.get("OIDC_ISSUER"):
        endpoints.oidc_issuer = env["OIDC_ISSUER"]
        plan.notes.append("OIDC_ISSUER given: the services accept that issuer's tokens (no local issuer)")
    else:
        root = stack.root if stack is not None else (root or dev_stack_dir())
        plan.issuer = (
            stack.issuer
            if stack is not None
            else LocalIssuer(root, StackPorts.load_or_default(root / "stack.json").issuer)
        )
        endpoints.oidc_issuer = plan.issuer.url
    if nats_url:
        plan.notes.append("NATS_URL given: every service connects with it (no per-service NATS users)")
    return plan


def start_servers(plan: Plan) -> None:
    if plan.issuer is not None:
        plan.issuer.start()
    if plan.stack is None:
        return
    if plan.embedded_pg:
        plan.stack.postgres.start()
    if plan.embedded_nats:
        plan.stack.nats.start()


def stop_servers(plan: Plan) -> None:
    if plan.issuer is not None:
        plan.issuer.stop()
    if plan.stack is None:
        return
    try:
        if plan.embedded_nats:
            plan.stack.nats.stop()
    finally:
        if plan.embedded_pg:
            plan.stack.postgres.stop()


class StopRequested:
    """Set by SIGINT/SIGTERM; the supervisor then shuts everything down in order."""

    def __init__(self) -> None:
        self.event = threading.Event()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        def handler(signum: int, frame: FrameType | None) -> None:
            self.event.set()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)


def _url_rows(plan: Plan) -> list[tuple[str, str, str]]:
    return [
        (
            "PostgreSQL (admin)",
            "embedded" if plan.embedded_pg else "DATABASE_URL",
            redact(plan.endpoints.pg_admin_dsn),
        ),
        (
            "NATS (admin)",
            "embedded" if plan.embedded_nats else "NATS_URL",
            redact(plan.endpoints.nats_admin_url),
        ),
    ]


def print_servers(console: Console, plan: Plan) -> None:
    table = Table(title="minzheng stack")
    for column in ("server", "source", "url (passwords hidden)"):
        table.add_column(column)
    for row in _url_rows(plan):
        table.add_row(*row)
    console.print(table)
    if plan.stack is not None:
        console.print(f"data, logs and secrets (0600): {plan.stack.root}")
    for note in plan.notes:
        console.print(f"[yellow]note:[/] {note}")


@dataclass
class ServiceRun:
    spec: ServiceSpec
    state: str
    process: ServiceProcess | None = None


def print_where_to_start(console: Console, runs: list[ServiceRun]) -> None:
    """The first steps of a newcomer: the API pages, a token, the walk-throughs."""
    console.print("\n[bold]where to start[/]")
    for run in runs:
        if run.process is not None:
            console.print(
                f"  {run.spec.name}: http://127.0.0.1:{run.spec.http_port}/docs "
                f"(walk-through: services/{run.spec.name}/README.md)"
            )
    console.print(
        f"  a token for the API (demo county {DEMO_COUNTY}):\n"
        "    TOKEN=$(.venv/bin/python -m minzheng_infra token --role township-caseworker --division 330727)\n"
        '    curl -H "authorization: Bearer $TOKEN" http://127.0.0.1:8101/households\n'
    )


def start_services(
    console: Console,
    plan: Plan,
    services: list[ServiceSpec],
    root: Path,
    seed: bool,
    stop: StopRequested,
) -> list[ServiceRun]:
    """Each service in order: migrate, seed-demo, then serve (listening checked once all started).

    Every step of a service writes its spans to ``<root>/traces/<service>.jsonl``."""
    logs = root / "logs"
    runs: list[ServiceRun] = []
    for spec in services:
        if stop.event.is_set():
            break
        env = {**plan.endpoints.env_for(spec.name), **trace_env(root, spec.name)}
        log = logs / f"{spec.name}.log"
        console.print(f"[bold]{spec.name}[/]: migrate")
        result = run_step(spec, ["migrate"], env, log, MIGRATE_TIMEOUT)
        if not result.ok:
            console.print(
                f"[red]{spec.name}: migrate failed ({result.returncode}); not started[/]\n"
                + result.output_tail
            )
            runs.append(ServiceRun(spec, "migrate failed"))
            continue
        if seed and has_demo_seed(spec):
            console.print(f"[bold]{spec.name}[/]: seed-demo")
            seeded = run_step(spec, ["seed-demo"], env, log, SEED_TIMEOUT)
            if not seeded.ok:
                console.print(
                    f"[yellow]{spec.name}: seed-demo failed ({seeded.returncode}); starting anyway[/]"
                )
        process = ServiceProcess(spec, spec.http_port, env, log)
        process.start()
        runs.append(ServiceRun(spec, "starting", process))
    for run in runs:
        if run.process is not None:
            run.state = "listening" if run.process.wait_listening(LISTEN_TIMEOUT) else "not listening"
            if not run.process.is_running():
                run.state = f"exited ({run.process.popen.returncode if run.process.popen else '?'})"
    return runs


@dataclass
class ConsoleRun:
    """The operations console under ``make run``: its process and the token to log in with."""

    run: ServiceRun
    token: str | None
    token_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.run.spec.http_port}/"


def console_token(plan: Plan, root: Path) -> tuple[str | None, Path | None]:
    """An operator-and-auditor token over the demo county from the local issuer (none without it),
    also kept in ``<root>/console-token`` (0600) for scripts."""
    if plan.issuer is None:
        return None, None
    token = plan.issuer.mint(
        subject=f"duty-officer@{DEMO_COUNTY}",
        roles=list(CONSOLE_ROLES),
        division=DEMO_COUNTY,
        ttl=CONSOLE_TOKEN_HOURS * 3600,
    )
    path = root / "console-token"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    return token, path


def start_console(
    console: Console, plan: Plan, runs: list[ServiceRun], root: Path, env: Mapping[str, str]
) -> ConsoleRun | None:
    """``python -m minzheng_console serve`` on 8100 (``MINZHENG_CONSOLE_PORT``), reading the services
    that are up (``CONSOLE_SERVICES``), when the package is importable."""
    spec = console_spec(env)
    if not spec.exists():
        console.print(f"console: package {spec.package} not installed yet; not started")
        return None
    served = [run.spec for run in runs if run.process is not None]
    console_env = {
        "SERVICE_NAME": spec.name,
        "CONSOLE_SERVICES": console_services(served),
        **trace_env(root, spec.name),
    }
    if plan.endpoints.oidc_issuer:
        console_env["CONSOLE_OIDC_ISSUER"] = plan.endpoints.oidc_issuer
        console_env["CONSOLE_OIDC_AUDIENCE"] = AUDIENCE
    process = ServiceProcess(spec, spec.http_port, console_env, root / "logs" / "console.log")
    process.start()
    run = ServiceRun(spec, "starting", process)
    run.state = "listening" if process.wait_listening(LISTEN_TIMEOUT) else "not listening"
    if not process.is_running():
        run.state = f"exited ({process.popen.returncode if process.popen else '?'})"
    token, path = console_token(plan, root)
    return ConsoleRun(run, token, path)


def print_services(
    console: Console, runs: list[ServiceRun], plan: Plan, root: Path, console_run: ConsoleRun | None = None
) -> None:
    logs = root / "logs"
    table = Table(title="services")
    for column in ("service", "state", "http", "database", "nats", "log"):
        table.add_column(column)
    for run in runs:
        http = f"http://127.0.0.1:{run.spec.http_port}" if run.process else "-"
        table.add_row(
            run.spec.name,
            run.state,
            http,
            redact(plan.endpoints.database_dsn(run.spec.name)),
            redact(plan.endpoints.nats_url(run.spec.name)),
            str(logs / f"{run.spec.name}.log"),
        )
    if console_run is not None:
        table.add_row("console", console_run.run.state, console_run.url, "-", "-", str(logs / "console.log"))
    console.print(table)
    console.print(f"traces (OTLP JSON lines, one file per process): {root / 'traces'}")
    if console_run is None:
        return
    console.print(f"\n[bold]console[/]: {console_run.url}")
    if console_run.token is None:
        console.print(f"  log in at {console_run.url}login with a token of your OIDC issuer")
        return
    roles = " and ".join(CONSOLE_ROLES)
    console.print(
        f"  log in at {console_run.url}login with this token (roles {roles}, county {DEMO_COUNTY}, "
        f"{CONSOLE_TOKEN_HOURS} h; also in {console_run.token_path}):"
    )
    console.print(console_run.token, markup=False, highlight=False, soft_wrap=True)


def supervise(console: Console, runs: list[ServiceRun], stop: StopRequested) -> None:
    """Wait for Ctrl-C; report services that exit on their own (they are not restarted)."""
    reported: set[str] = set()
    while not stop.event.wait(1.0):
        for run in runs:
            if run.process is not None and not run.process.is_running() and run.spec.name not in reported:
                reported.add(run.spec.name)
                code = run.process.popen.returncode if run.process.popen else "?"
                console.print(f"[red]{run.spec.name} exited ({code}); see {run.process.log_path}[/]")


def run(
    console: Console,
    *,
    seed: bool = True,
    only: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    root: Path | None = None,
    streams: list[StreamSpec] | None = None,
    stop: StopRequested | None = None,
) -> int:
    """The whole of ``make run``. Returns the exit code."""
    env = os.environ if env is None else env
    root = (root or dev_stack_dir()).resolve()
    stop = stop or StopRequested()
    with stack_lock(root), stop.installed():
        plan = plan_from_env(env, root)
        runs: list[ServiceRun] = []
        console_run: ConsoleRun | None = None
        try:
            start_servers(plan)
            report = run_sync(provision(plan.endpoints, streams if streams is not None else load_streams()))
            changed = ", ".join(f"{kind} {name} {action}" for kind, name, action in report.changed())
            console.print(f"provisioned: {changed or 'nothing to change'}")
            print_servers(console, plan)
            wanted = [s for s in plan.endpoints.services if only is None or s.name in only]
            present = [s for s in wanted if s.exists()]
            missing = [s.name for s in wanted if not s.exists()]
            if missing:
                console.print(f"not installed yet (package not importable): {', '.join(missing)}")
            if not present:
                console.print("[yellow]no service exists yet: the stack is up without services[/]")
            runs = start_services(console, plan, present, root, seed, stop)
            if runs and not stop.event.is_set():
                console_run = start_console(console, plan, runs, root, env)
            if runs:
                print_services(console, runs, plan, root, console_run)
                print_where_to_start(console, runs)
            console.print("running; Ctrl-C stops the console and services, then NATS, then PostgreSQL")
            supervise(console, runs + ([console_run.run] if console_run else []), stop)
        finally:
            console.print("stopping services")
            if console_run is not None and console_run.run.process is not None:
                console_run.run.process.stop()
            for service_run in runs:
                if service_run.process is not None:
                    service_run.process.stop()
            console.print("stopping NATS and PostgreSQL")
            stop_servers(plan)
    console.print("stopped")
    return 0
