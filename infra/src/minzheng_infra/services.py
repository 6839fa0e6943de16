"""Running the platform's services as child processes (the ``make run`` supervisor's hands).

Service entrypoint contract (see infra/README.md)::

    python -m <package> migrate
    python -m <package> serve --host H --port P
    python -m <package> seed-demo        # only if the package has a ``demo`` module (idempotent)

with ``<SERVICE>_DATABASE_URL``, ``<SERVICE>_NATS_URL``, ``SERVICE_NAME`` and
``MINZHENG_TRACE_FILE`` (where its spans go, OTLP JSON lines) in the environment.

The operations console (``minzheng_console``, when importable) is one more child process::

    python -m minzheng_console serve --host H --port P     # CONSOLE_SERVICES="name=url,..."
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .config import ServiceSpec
from .procutil import alive, port_open, private_log, tail, terminate, wait_until

HOST = "127.0.0.1"
CONSOLE_PACKAGE = "minzheng_console"
CONSOLE_PORT = 8100
"""The console's port under ``make run`` (``MINZHENG_CONSOLE_PORT`` overrides)."""
TRACE_FILE_ENV = "MINZHENG_TRACE_FILE"


def console_spec(env: Mapping[str, str]) -> ServiceSpec:
    """The operations console as the supervisor runs it: no database, no NATS user of its own."""
    port = int(env.get("MINZHENG_CONSOLE_PORT") or CONSOLE_PORT)
    return ServiceSpec(
        name="console",
        package=CONSOLE_PACKAGE,
        http_port=port,
        database="console",
        nats_user="console",
        publish=(),
    )


def console_services(specs: Iterable[ServiceSpec]) -> str:
    """``CONSOLE_SERVICES``: ``name=http://127.0.0.1:port,...`` of the services the console reads."""
    return ",".join(f"{spec.name}=http://{HOST}:{spec.http_port}" for spec in specs)


def trace_file(root: Path, name: str) -> Path:
    """Where the process ``name`` writes its spans under ``make run``: ``<stack>/traces/<name>.jsonl``."""
    return root / "traces" / f"{name}.jsonl"


def trace_env(root: Path, name: str) -> dict[str, str]:
    """``MINZHENG_TRACE_FILE`` for the process ``name`` (its folder created, private to the user)."""
    path = trace_file(root, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    return {TRACE_FILE_ENV: str(path)}


def has_demo_seed(spec: ServiceSpec) -> bool:
    """A package declares ``seed-demo`` by having a ``demo`` module anywhere in it: its own
    (``<package>/demo.py`` or ``demo/``) or an area's (``adapters/<area>/demo.py``), looked up
    without importing anything."""
    try:
        found = importlib.util.find_spec(spec.package)
    except (ImportError, ValueError):
        return False
    if found is None or not found.submodule_search_locations:
        return False
    return any(
        any(Path(location).rglob("demo.py")) or any(Path(location).rglob("demo/__init__.py"))
        for location in found.submodule_search_locations
    )


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """Our environment without any server URL (admin or another service's), plus the service's own."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "NATS_URL") and not key.endswith(("_DATABASE_URL", "_NATS_URL"))
    }
    return {**inherited, **extra, "PYTHONUNBUFFERED": "1"}


@dataclass
class StepResult:
    ok: bool
    returncode: int
    output_tail: str


def run_step(
    spec: ServiceSpec, command: list[str], env: dict[str, str], log_path: Path, timeout: float
) -> StepResult:
    """Run ``python -m <package> <command>`` to completion, appending its output to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with private_log(log_path) as log:
        log.write(f"\n=== python -m {spec.package} {' '.join(command)}\n".encode())
        log.flush()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", spec.package, *command],
                env=child_env(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code = -1
    return StepResult(code == 0, code, tail(log_path, 15))


@dataclass
class ServiceProcess:
    """One ``serve`` child process."""

    spec: ServiceSpec
    port: int
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = private_log(self.log_path)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", self.spec.package, "serve", "--host", HOST, "--port", str(self.port)],
            env=child_env(self.env),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the supervisor decides the order of shutdown, not the terminal
        )

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen is not None else None

    def is_running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def is_listening(self) -> bool:
        return port_open(self.port)

    def wait_listening(self, timeout: float) -> bool:
        return (
            wait_until(lambda: self.is_listening() or not self.is_running(), timeout, 0.1)
            and self.is_listening()
        )

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen is not None and alive(self.popen.pid):
            terminate(self.popen.pid, signal.SIGTERM, timeout, self.popen)
        if self._log is not None:
            self._log.close()
            self._log = None
