"""Provisioning on the session stack: idempotent, streams as declared, a role and database per service."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest
from nats.aio.client import Client as NATS
from nats.js.api import RetentionPolicy, StorageType

from minzheng_infra.config import load_streams
from minzheng_infra.credentials import with_credentials
from minzheng_infra.stack import EmbeddedStack


def test_provisioning_twice_changes_nothing(stack: EmbeddedStack) -> None:
    first = stack.provision()
    second = stack.provision()
    assert first.changed() == [] and second.changed() == []  # the session fixture provisioned already
    kinds = {(kind, action) for kind, _, action in second.actions}
    assert kinds == {("role", "unchanged"), ("database", "unchanged"), ("stream", "unchanged")}


async def test_streams_have_the_declared_config(stack: EmbeddedStack, nats_admin: NATS) -> None:
    js = nats_admin.jetstream()
    for spec in load_streams():
        config = (await js.stream_info(spec.name)).config
        assert config.subjects == list(spec.subjects)
        assert config.storage == StorageType.FILE
        assert config.retention == RetentionPolicy.LIMITS
        assert config.duplicate_window == 120
        assert config.num_replicas == 1
        assert not config.max_age


async def test_provisioning_repairs_a_drifted_stream(stack: EmbeddedStack, nats_admin: NATS) -> None:
    js = nats_admin.jetstream()
    config = (await js.stream_info("ELDERCARE")).config
    config.duplicate_window = 30
    await js.update_stream(config)
    report = await asyncio.to_thread(stack.provision)
    assert ("stream", "ELDERCARE", "updated") in report.changed()
    assert (await js.stream_info("ELDERCARE")).config.duplicate_window == 120


async def test_each_service_role_owns_its_database(stack: EmbeddedStack) -> None:
    for service in ("assistance", "disaster", "veterans", "registry", "eldercare"):
        conn = await asyncpg.connect(stack.database_dsn(service))
        try:
            user, db, owner = await conn.fetchrow(
                "SELECT current_user, current_database(),"
                " (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())"
            )
            assert (user, db, owner) == (service, service, service)
            assert not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            await conn.execute("CREATE TABLE IF NOT EXISTS owned (x int)")  # may create in its own database
        finally:
            await conn.close()


async def test_a_service_role_cannot_connect_to_another_database(stack: EmbeddedStack) -> None:
    password = stack.credentials.service("assistance")
    for other in ("disaster", "registry"):
        dsn = with_credentials(stack.pg_admin_dsn, "assistance", password, database=other)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await asyncpg.connect(dsn)


async def test_passwords_are_checked(stack: EmbeddedStack) -> None:
    dsn = with_credentials(stack.pg_admin_dsn, "assistance", "wrong", database="assistance")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(dsn)


def test_cli_provisions_existing_servers_given_as_urls(stack: EmbeddedStack) -> None:
    """``provision`` against servers given by URL (here: the session's), with a given secrets file."""
    env = {
        **os.environ,
        "DATABASE_URL": stack.pg_admin_dsn,
        "NATS_URL": stack.nats_admin_url,
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "minzheng_infra", "provision", "--secrets", str(stack.secrets_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "created" not in result.stdout and "unchanged" in result.stdout
    assert stack.credentials.postgres not in result.stdout  # passwords are never printed
    assert stack.credentials.nats_admin not in result.stdout
