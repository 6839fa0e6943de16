"""Every service's ``verify`` and ``checkpoint`` verbs, as an auditor runs them: a process of its
own on the service's database, JSON out, exit status 1 when the store was tampered with."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore import EventMetadata, NewEvent
from minzheng_eventstore.host import ServiceSettings

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


async def cli(env: dict[str, str], *args: str) -> tuple[int, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "minzheng_disaster", *args, "--json", env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return process.returncode or 0, json.loads(out)


async def test_verify_and_checkpoint_from_the_command_line(fresh_database: str, stack) -> None:  # type: ignore[no-untyped-def]
    service = Disaster(ServiceSettings("disaster", fresh_database, stack.nats_url("disaster")))
    async with service.host.running(consume=False, relay=False, project=False, background=False):
        meta = EventMetadata(actor="official-1", jurisdiction="330727")
        for n in range(4):
            events = [
                NewEvent(event_type="Noted", data={"n": i}, occurred_at=NOW, metadata=meta) for i in range(3)
            ]
            await service.host.store.append(f"audit-{n}", "audit", 0, events)
    env = {
        **os.environ,
        "DISASTER_DATABASE_URL": fresh_database,
        "DISASTER_NATS_URL": stack.nats_url("disaster"),
        "DISASTER_PSEUDONYM_KEY": "verify-cli-test-key",
        "DISASTER_OIDC_ISSUER": stack.issuer.url,
    }
    status, checkpoint = await cli(env, "checkpoint")
    assert status == 0 and checkpoint["streams"] >= 4 and len(checkpoint["signature"]) == 128
    status, report = await cli(env, "verify")
    assert status == 0 and report["intact"] is True, report

    running = service.host.running(consume=False, relay=False, project=False, background=False)
    async with running, service.host.store.pool.acquire() as conn:
        await conn.execute(
            "UPDATE events SET data = '{\"n\": 7}' WHERE stream_id = 'audit-1' AND version = 2"
        )
        await conn.execute("DELETE FROM events WHERE stream_id = 'audit-3'")
    status, report = await cli(env, "verify")
    assert status == 1
    found = {(f["kind"], f["stream_id"], f["version"]) for f in report["findings"]}
    assert found == {("changed", "audit-1", 2), ("deleted", "audit-3", None)}
    status, one = await cli(env, "verify", "--stream", "audit-1")
    assert status == 1 and [f["kind"] for f in one["findings"]] == ["changed"]
