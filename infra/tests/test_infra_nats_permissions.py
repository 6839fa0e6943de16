"""Per-service NATS users (DESIGN §5b): a service publishes only its own subjects and dead letters,
uses the JetStream API only for its own streams and durable consumers, and subscribes only to its
own replies. Everything else is denied, proved here with each service's real credentials."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from nats.aio.client import Client as NATS
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig
from nats.js.errors import APIError

from minzheng_infra.stack import EmbeddedStack


async def _connect(stack: EmbeddedStack, service: str, errors: list[Exception]) -> NATS:
    async def on_error(exc: Exception) -> None:
        errors.append(exc)

    return await nats.connect(
        stack.nats_url(service), error_cb=on_error, max_reconnect_attempts=0, inbox_prefix=f"_INBOX_{service}"
    )


def _denied(errors: list[Exception]) -> bool:
    return any("permissions violation" in str(e).lower() for e in errors)


async def test_a_service_publishes_its_own_subjects_and_dead_letters(stack: EmbeddedStack) -> None:
    errors: list[Exception] = []
    nc = await _connect(stack, "assistance", errors)
    try:
        js = nc.jetstream()
        ack = await js.publish(
            "assistance.household.applied", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}
        )
        assert ack.stream == "ASSISTANCE"
        dead = await js.publish("deadletter.assistance.assistance-deaths-v1", b"{}")
        assert dead.stream == "DEADLETTER"
        assert (await js.stream_info("ASSISTANCE")).config.name == "ASSISTANCE"  # its own stream's info
    finally:
        await nc.close()
    assert errors == []


async def test_a_service_runs_its_declared_durable_consumer(stack: EmbeddedStack, nats_admin: NATS) -> None:
    await nats_admin.jetstream().publish("registry.death.registered", b'{"n": 1}')
    errors: list[Exception] = []
    nc = await _connect(stack, "assistance", errors)
    try:
        sub = await nc.jetstream().pull_subscribe(
            "registry.death.registered",
            durable="assistance-deaths-v1",
            stream="REGISTRY",
            config=ConsumerConfig(ack_wait=5),
        )
        msgs = await sub.fetch(1, timeout=5)
        assert msgs
        await asyncio.gather(*(m.ack_sync() for m in msgs))
    finally:
        await nc.close()
        await nats_admin.jetstream().delete_consumer("REGISTRY", "assistance-deaths-v1")
    assert errors == []


@pytest.mark.parametrize(
    "attempt",
    [
        "publish another service's subject",
        "forge another consumer's dead letters",
        "delete another service's consumer",
        "delete a message",
        "read a stream it does not consume",
        "create an undeclared consumer",
        "change a stream",
    ],
)
async def test_what_a_service_may_not_do_is_denied(
    stack: EmbeddedStack, nats_admin: NATS, attempt: str
) -> None:
    admin = nats_admin.jetstream()
    await admin.publish("disaster.incident.reported", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())})
    await admin.add_consumer("ASSISTANCE", ConsumerConfig(durable_name="disaster-vulnerable-v1"))
    before = (await admin.stream_info("DISASTER")).state.messages
    errors: list[Exception] = []
    nc = await _connect(stack, "assistance", errors)
    js = nc.jetstream(timeout=1)
    try:
        with pytest.raises((NatsTimeoutError, APIError)):
            match attempt:
                case "publish another service's subject":
                    await js.publish("disaster.incident.reported", b"{}", timeout=1)
                case "forge another consumer's dead letters":
                    await js.publish("deadletter.disaster.disaster-vulnerable-v1", b"{}", timeout=1)
                case "delete another service's consumer":
                    await js.delete_consumer("ASSISTANCE", "disaster-vulnerable-v1")
                case "delete a message":
                    await js.delete_msg("DISASTER", 1)
                case "read a stream it does not consume":
                    await js.get_msg("DISASTER", seq=1)
                case "create an undeclared consumer":
                    await js.pull_subscribe("disaster.>", durable="assistance-snoop-v1", stream="DISASTER")
                case "change a stream":
                    await js.delete_stream("ASSISTANCE")
        await nc.flush()
    finally:
        await nc.close()
    assert _denied(errors), errors
    assert (await admin.stream_info("DISASTER")).state.messages == before
    assert (
        await admin.consumer_info("ASSISTANCE", "disaster-vulnerable-v1")
    ).name == "disaster-vulnerable-v1"


async def test_a_service_cannot_see_another_service_replies(stack: EmbeddedStack) -> None:
    for subject in (">", "_INBOX.>", "_INBOX_disaster.>", "$JS.ACK.>", "disaster.>"):
        errors: list[Exception] = []
        nc = await _connect(stack, "assistance", errors)
        try:
            await nc.subscribe(subject)
            await nc.flush()
            await asyncio.sleep(0.1)
        finally:
            await nc.close()
        assert _denied(errors), (subject, errors)
