"""Fixtures for the event-store tests: a fresh database per test on the session's real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from minzheng_eventstore import EventStore, Upcasters, install
from minzheng_eventstore.dsn import sqlalchemy_url


@pytest.fixture
async def database(fresh_database: str) -> str:
    engine = create_async_engine(sqlalchemy_url(fresh_database))
    await install(engine)
    await engine.dispose()
    return fresh_database


@pytest.fixture
def upcasters() -> Upcasters:
    return Upcasters()


@pytest.fixture
async def store(database: str, upcasters: Upcasters) -> AsyncIterator[EventStore]:
    s = await EventStore.connect(database, max_size=20, upcasters=upcasters)
    yield s
    await s.close()


@pytest.fixture
async def test_stream(nats_admin):  # type: ignore[no-untyped-def]
    """A JetStream stream of this test's own, with a 2-minute duplicate window like production."""
    name = f"T{uuid.uuid4().hex[:12].upper()}"
    prefix = name.lower()
    js = nats_admin.jetstream()
    await js.add_stream(name=name, subjects=[f"{prefix}.>"], duplicate_window=120)
    yield name, prefix
    await js.delete_stream(name)
