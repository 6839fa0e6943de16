"""The outbox relay in a process of its own: ``serve --no-relay`` beside ``relay``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy

from minzheng_assistance.adapters.projection import NAME as READ_MODELS
from minzheng_assistance.application.payments import run_payments
from minzheng_assistance.bulk import seed_approved_households
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.host import ServiceSettings

HOUSEHOLDS = 40
FIRST = 7_000_000  # household numbers no other test seeds: payment ids derive from them


async def test_a_relay_process_publishes_what_a_service_without_relay_writes(
    fresh_database: str,
    stack,  # type: ignore[no-untyped-def]
) -> None:
    service = Assistance(ServiceSettings("assistance", fresh_database, stack.nats_url("assistance")))
    service.host.relay_in_process = False  # what `serve --no-relay` sets
    async with service.host.running():
        assert service.host.relay is None
        await seed_approved_households(service.host.store, HOUSEHOLDS, start=FIRST)
        await service.context().projection(READ_MODELS).catch_up()
        result = await run_payments(service.context(), Actor("test"), Period(2026, 3))
        assert result.paid == HOUSEHOLDS
        async with service.host.store.pool.acquire() as conn:
            expected = {
                str(r["event_id"])
                for r in await conn.fetch("SELECT event_id FROM events WHERE event_type = 'PaymentIssued'")
            }
            assert await conn.fetchval("SELECT count(*) FROM relay_checkpoints") == 0  # nobody relayed

        env = {
            **os.environ,
            "ASSISTANCE_DATABASE_URL": fresh_database,
            "ASSISTANCE_NATS_URL": stack.nats_url("assistance"),  # the service's own credentials
            "ASSISTANCE_PSEUDONYM_KEY": "relay-process-test-key",
            "ASSISTANCE_OIDC_ISSUER": stack.issuer.url,  # required by ServiceSettings.from_env
        }
        relay = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "minzheng_assistance", "relay", env=env, stderr=asyncio.subprocess.PIPE
        )
        assert relay.stderr is not None
        async for line in relay.stderr:
            if b"relay assistance-outbox running" in line:
                break
        nc = await nats.connect(stack.nats_admin_url)
        try:
            js = nc.jetstream()
            sub = await js.pull_subscribe(
                "assistance.payment.issued",
                durable=None,
                stream="ASSISTANCE",
                config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
            )
            seen: dict[str, int] = {}
            for _ in range(200):
                try:
                    msgs = await sub.fetch(500, timeout=0.5)
                except nats.errors.TimeoutError:
                    msgs = []
                for msg in msgs:
                    event_id = (msg.headers or {}).get("Nats-Msg-Id", "")
                    if event_id in expected:
                        seen[event_id] = seen.get(event_id, 0) + 1
                    await msg.ack()
                if len(seen) == len(expected):
                    break
            assert seen == dict.fromkeys(expected, 1)
        finally:
            await nc.close()
            relay.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(relay.communicate(), 30)
        assert relay.returncode == 0, stderr.decode()
        async with service.host.store.pool.acquire() as conn:
            published = await conn.fetchval(
                "SELECT published FROM relay_checkpoints WHERE relay = 'assistance-outbox'"
            )
        assert published >= HOUSEHOLDS  # the households' own events went out too
