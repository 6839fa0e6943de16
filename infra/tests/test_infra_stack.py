"""The embedded servers: start, stop, kill, restart, reuse of data, leftovers of a crashed run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import nats
import pytest

from minzheng_infra.aio import run_sync
from minzheng_infra.procutil import alive, port_open
from minzheng_infra.stack import EmbeddedStack, StackPorts


class StackFactory:
    """Stacks on one folder and one set of ports: each call is a new supervisor for the same data."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ports = StackPorts.free()
        self.made: list[EmbeddedStack] = []

    def __call__(self) -> EmbeddedStack:
        stack = EmbeddedStack(self.root, self.ports, sync_init=False)
        self.made.append(stack)
        return stack


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[StackFactory]:
    """Stacks of this test's own (not the session one), killed at the end whatever happens."""
    factory = StackFactory(tmp_path / "stack")
    yield factory
    for stack in factory.made:
        stack.kill()


async def _sql(dsn: str, query: str) -> object:
    conn = await asyncpg.connect(dsn)
    try:
        if query.lstrip().upper().startswith("SELECT"):
            return await conn.fetchval(query)
        return await conn.execute(query)  # several statements, no result
    finally:
        await conn.close()


def sql(dsn: str, query: str) -> object:
    return run_sync(_sql(dsn, query))


def _inbox(url: str) -> str:
    """A service's user may subscribe to its own replies only (``_INBOX_<service>.>``)."""
    from urllib.parse import urlsplit

    user = urlsplit(url).username
    return f"_INBOX_{user}" if user and user != "admin" else "_INBOX"


async def _stream_messages(url: str, stream: str) -> int:
    nc = await nats.connect(url, inbox_prefix=_inbox(url))
    try:
        info = await nc.jetstream().stream_info(stream)
        return info.state.messages
    finally:
        await nc.close()


async def _publish(url: str, subject: str) -> None:
    nc = await nats.connect(url, inbox_prefix=_inbox(url))
    try:
        await nc.jetstream().publish(subject, b"{}")
    finally:
        await nc.close()


def test_start_stop_and_reuse_of_data(make_stack: StackFactory) -> None:
    stack = make_stack()
    stack.start()
    assert stack.is_running()
    assert port_open(stack.pg_port) and port_open(stack.nats_port)
    stack.provision()
    dsn = stack.database_dsn("assistance")
    sql(dsn, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
    run_sync(_publish(stack.nats_url("assistance"), "assistance.test.kept"))
    pg_version = (stack.postgres.data_dir / "PG_VERSION").stat()
    stack.stop()
    assert not stack.is_running()
    assert not port_open(stack.pg_port) and not port_open(stack.nats_port)

    again = make_stack()
    assert again.credentials == stack.credentials  # same passwords
    again.start()
    assert (again.postgres.data_dir / "PG_VERSION").stat().st_ino == pg_version.st_ino  # no re-initdb
    assert again.provision().changed() == []
    assert sql(again.database_dsn("assistance"), "SELECT x FROM kept") == 42
    assert run_sync(_stream_messages(again.nats_admin_url, "ASSISTANCE")) == 1
    again.stop()


def test_kill_then_start_recovers(make_stack: StackFactory) -> None:
    stack = make_stack()
    stack.start()
    stack.provision()
    dsn = stack.database_dsn("disaster")
    sql(dsn, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
    run_sync(_publish(stack.nats_url("disaster"), "disaster.test.acked"))

    pg_pid, nats_pid = stack.postgres.pid, stack.nats.pid
    stack.postgres.kill()
    stack.nats.kill()
    assert not alive(pg_pid) and not alive(nats_pid)
    assert not stack.postgres.is_running() and not stack.nats.is_running()
    with pytest.raises((OSError, asyncpg.PostgresError)):
        sql(dsn, "SELECT 1")

    stack.postgres.start()  # crash recovery
    stack.nats.start()
    assert sql(dsn, "SELECT x FROM t") == 1
    assert run_sync(_stream_messages(stack.nats_admin_url, "DISASTER")) == 1

    stack.postgres.restart()
    stack.nats.restart()
    assert sql(dsn, "SELECT count(*) FROM t") == 1
    stack.stop()


def test_leftovers_of_a_crashed_supervisor_are_stopped(make_stack: StackFactory) -> None:
    crashed = make_stack()
    crashed.start()
    crashed.issuer.stop()  # a thread of the crashed supervisor's process: it died with it
    old_pg, old_nats = crashed.postgres.pid, crashed.nats.pid
    # a new supervisor on the same folder knows nothing of the old processes but finds them
    fresh = make_stack()
    assert fresh.postgres.pid == old_pg and fresh.nats.pid == old_nats
    fresh.start()
    assert not alive(old_pg) and not alive(old_nats)
    assert fresh.is_running() and fresh.postgres.pid != old_pg
    fresh.stop()
    assert not fresh.is_running()


def test_servers_listen_on_loopback_only(stack: EmbeddedStack) -> None:
    import psutil

    for pid, port in ((stack.postgres.pid, stack.pg_port), (stack.nats.pid, stack.nats_port)):
        assert pid is not None
        listening = {
            c.laddr
            for c in psutil.Process(pid).net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        }
        assert listening, listening
        assert {addr.ip for addr in listening} == {"127.0.0.1"}
        assert port in {addr.port for addr in listening}


async def test_fault_controls_on_the_session_stack(stack: EmbeddedStack) -> None:
    """Tests may kill/restart the session servers; clients reconnect after a restart."""
    url = stack.nats_url("veterans")
    nc = await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=0.2, inbox_prefix=_inbox(url))
    try:
        await asyncio.to_thread(stack.nats.restart)
        ack = await nc.jetstream().publish("veterans.test.after_restart", b"{}", timeout=10)
        assert ack.stream == "VETERANS"
    finally:
        await nc.close()
    await asyncio.to_thread(stack.postgres.restart)
    assert await _sql(stack.database_dsn("veterans"), "SELECT 1") == 1
