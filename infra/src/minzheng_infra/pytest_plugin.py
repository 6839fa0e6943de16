"""pytest plugin (entry point ``minzheng_infra``): a real PostgreSQL + NATS for the test session.

Fixtures
--------
``stack`` (session)
    An :class:`~minzheng_infra.stack.EmbeddedStack` started in a temp dir on free ports, with the
    per-service roles/databases and the JetStream streams provisioned. Stopped (and its folder
    removed) at session end, on failures and on Ctrl-C/SIGTERM. After each test that used it, a
    server that the test killed or stopped is started again, so fault tests do not cascade.
``fresh_database`` (function)
    libpq DSN (superuser) of a brand-new empty database, dropped after the test.
``nats_admin`` (function, async)
    A nats.py client connected as the NATS ``admin`` user, closed after the test.

Options: ``--keep-stack`` keeps the stack's folder (logs, data) after the session for inspection.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from .aio import run_sync
from .nats_server import EmbeddedNats, NatsConfig
from .postgres import EmbeddedPostgres
from .procutil import alive
from .provision import quote_ident
from .stack import EmbeddedStack

if TYPE_CHECKING:
    from nats.aio.client import Client as NATS

_OWNER_FILE = "owner.pid"
_KEPT_FILE = "KEPT"
_START_ATTEMPTS = 3


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("minzheng", "minzheng embedded stack")
    group.addoption(
        "--keep-stack",
        action="store_true",
        default=False,
        help="keep the test stack's folder (data, logs) after the session",
    )


def stacks_base() -> Path:
    """Parent folder of the test stacks (``MINZHENG_TEST_STACKS_DIR`` overrides)."""
    override = os.environ.get("MINZHENG_TEST_STACKS_DIR")
    default = Path(tempfile.gettempdir()) / f"minzheng-test-stacks-{os.getuid()}"
    base = Path(override) if override else default
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


def reap_stale_stacks(base: Path, min_age: float = 60.0) -> None:
    """Stop servers and remove folders of test stacks whose pytest process is gone (e.g. SIGKILLed)."""
    for root in base.glob("minzheng-stack-*"):
        if (root / _KEPT_FILE).exists():
            continue  # kept on purpose (--keep-stack); remove it by hand
        owner = root / _OWNER_FILE
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                if time.time() - root.stat().st_mtime < min_age:
                    continue  # being created by a concurrent session
            pid = None
        if pid is not None and alive(pid):
            continue
        EmbeddedNats(root / "nats", 0, NatsConfig(users=(), monitor_port=0)).kill()
        EmbeddedPostgres(root / "pg", 0).kill()
        shutil.rmtree(root, ignore_errors=True)


def _start_stack(base: Path) -> EmbeddedStack:
    """Start and provision a fresh stack, retrying on new ports if one was taken meanwhile."""
    last: BaseException | None = None
    for _ in range(_START_ATTEMPTS):
        stack = EmbeddedStack.ephemeral(base=base)
        (stack.root / _OWNER_FILE).write_text(str(os.getpid()))
        try:
            stack.start()
            stack.provision()
            return stack
        except Exception as exc:
            last = exc
            stack.kill()
            shutil.rmtree(stack.root, ignore_errors=True)
    assert last is not None
    raise last


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM (CI cancellation) into KeyboardInterrupt so that finalizers still run."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not in the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[EmbeddedStack]:
    """A started, provisioned embedded PostgreSQL + NATS for this test session."""
    base = stacks_base()
    reap_stale_stacks(base)
    keep = bool(request.config.getoption("--keep-stack", default=False))
    with _sigterm_as_interrupt():
        the_stack = _start_stack(base)

        def cleanup() -> None:
            the_stack.stop()
            if keep:
                (the_stack.root / _KEPT_FILE).touch()
            else:
                shutil.rmtree(the_stack.root, ignore_errors=True)

        atexit.register(cleanup)  # a backstop: no-op when the finalizer below already ran
        try:
            yield the_stack
        finally:
            cleanup()
            atexit.unregister(cleanup)
            if keep:
                print(f"\nminzheng test stack kept in {the_stack.root}")


@pytest.fixture(autouse=True)
def _restart_servers_killed_by_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used ``stack``, bring back any server the test left stopped or killed."""
    yield
    if "stack" not in request.fixturenames:
        return
    the_stack: EmbeddedStack = request.getfixturevalue("stack")
    if not the_stack.postgres.is_running():
        the_stack.postgres.start()
    if not the_stack.nats.is_running():
        the_stack.nats.start()


async def _create_database(admin_dsn: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"CREATE DATABASE {quote_ident(name)} TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await conn.close()


async def _drop_database(admin_dsn: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")
    finally:
        await conn.close()


@pytest.fixture
def fresh_database(stack: EmbeddedStack) -> Iterator[str]:
    """DSN (superuser ``postgres``, libpq style) of a new empty database, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = stack.pg_admin_dsn
    run_sync(_create_database(admin, name))
    try:
        yield stack.postgres.admin_url(name)
    finally:
        if not stack.postgres.is_running():
            stack.postgres.start()
        run_sync(_drop_database(admin, name))


@pytest_asyncio.fixture
async def nats_admin(stack: EmbeddedStack) -> AsyncIterator[NATS]:
    """A nats.py client connected as ``admin`` (all permissions), closed after the test."""
    import nats

    nc = await nats.connect(stack.nats_admin_url, connect_timeout=5, name="pytest-admin")
    try:
        yield nc
    finally:
        await nc.close()
