"""``fresh_database``: a new, empty database per test, dropped afterwards."""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg

from minzheng_infra.stack import EmbeddedStack

_seen: list[str] = []


async def _names(stack: EmbeddedStack) -> set[str]:
    conn = await asyncpg.connect(stack.pg_admin_dsn)
    try:
        return {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()


async def test_first_fresh_database_is_empty_and_writable(fresh_database: str, stack: EmbeddedStack) -> None:
    name = urlsplit(fresh_database).path.lstrip("/")
    assert name not in {"postgres", "assistance"}
    _seen.append(name)
    conn = await asyncpg.connect(fresh_database)
    try:
        assert await conn.fetchval("SELECT current_user") == "postgres"
        assert await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        await conn.execute("CREATE TABLE leftover (x int)")
    finally:
        await conn.close()
    # an open connection must not stop the drop at teardown
    _keep_open.append(await asyncpg.connect(fresh_database))


_keep_open: list[asyncpg.Connection] = []


async def test_second_fresh_database_is_another_one(fresh_database: str, stack: EmbeddedStack) -> None:
    name = urlsplit(fresh_database).path.lstrip("/")
    assert _seen and name != _seen[0]
    assert _seen[0] not in await _names(stack)  # the first one was dropped
    conn = await asyncpg.connect(fresh_database)
    try:
        assert await conn.fetchval("SELECT to_regclass('leftover')") is None
    finally:
        await conn.close()
    for leftover in _keep_open:
        leftover.terminate()
