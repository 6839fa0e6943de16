"""Per-service NATS users: publish to their own subjects only; consume anything."""

from __future__ import annotations

import asyncio

import nats
import pytest
from nats.aio.client import Client as NATS
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import APIError

from minzheng_infra.stack import EmbeddedStack


async def _connect(url: str, errors: list[Exception]) -> NATS:
    async def on_error(exc: Exception) -> None:
        errors.append(exc)

    return await nats.connect(url, error_cb=on_error, max_reconnect_attempts=0)


async def test_service_publishes_to_its_own_subjects(stack: EmbeddedStack) -> None:
    errors: list[Exception] = []
    nc = await _connect(stack.nats_url("assistance"), errors)
    try:
        js = nc.jetstream()
        ack = await js.publish("assistance.household.applied", b"{}", headers={"Nats-Msg-Id": "perm-own-1"})
        assert ack.stream == "ASSISTANCE"
        dead = await js.publish("deadletter.assistance.poison", b"{}")
        assert dead.stream == "DEADLETTER"
    finally:
        await nc.close()
    assert errors == []


async def test_service_cannot_publish_into_another_service_subjects(
    stack: EmbeddedStack, nats_admin: NATS
) -> None:
    admin_js = nats_admin.jetstream()
    before = (await admin_js.stream_info("DISASTER")).state.messages
    errors: list[Exception] = []
    nc = await _connect(stack.nats_url("assistance"), errors)
    try:
        with pytest.raises(NatsTimeoutError):
            await nc.jetstream().publish("disaster.incident.reported", b"{}", timeout=1)
        await nc.flush()
    finally:
        await nc.close()
    assert any("permissions violation for publish" in str(e).lower() for e in errors), errors
    assert (await admin_js.stream_info("DISASTER")).state.messages == before


async def test_service_cannot_declare_or_change_streams(stack: EmbeddedStack) -> None:
    errors: list[Exception] = []
    nc = await _connect(stack.nats_url("assistance"), errors)
    try:
        js = nc.jetstream(timeout=1)
        with pytest.raises((NatsTimeoutError, APIError)):
            await js.add_stream(name="ROGUE", subjects=["assistance.rogue.>"])
        with pytest.raises((NatsTimeoutError, APIError)):
            await js.delete_stream("ASSISTANCE")
        assert (await js.stream_info("ASSISTANCE")).config.name == "ASSISTANCE"  # reading is allowed
    finally:
        await nc.close()
    assert any("permissions violation" in str(e).lower() for e in errors), errors


async def test_a_service_consumes_another_service_stream_with_a_durable_pull_consumer(
    stack: EmbeddedStack,
) -> None:
    producer = await nats.connect(stack.nats_url("registry"))
    consumer = await nats.connect(stack.nats_url("eldercare"))
    try:
        await producer.jetstream().publish("registry.person.registered", b'{"n": 1}')
        sub = await consumer.jetstream().pull_subscribe(
            "registry.person.registered", durable="eldercare-permtest-v1", stream="REGISTRY"
        )
        msgs = await sub.fetch(1, timeout=5)
        assert msgs[0].data == b'{"n": 1}'
        await asyncio.gather(*(m.ack_sync() for m in msgs))
    finally:
        await producer.close()
        await consumer.close()
