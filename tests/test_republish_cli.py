"""``republish`` from a service's command line, as an operator runs it for a provincial system that
lost messages: the disaster service's demo, relayed, then published again by stream, by position
and by time, in the service's own contract forms with the same ``Nats-Msg-Id`` (JetStream drops
every one inside its window); a call without a range is refused, nothing published."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import timedelta
from typing import Any

from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings


async def test_republish_by_stream_position_and_time(fresh_database: str, stack: Any) -> None:
    settings = ServiceSettings(
        "disaster", fresh_database, stack.nats_url("disaster"), oidc=oidc_settings(stack.issuer)
    )
    service = Disaster(settings, scheduler=False)
    async with service.host.running(consume=False, background=False):
        await service.seed_demo()
        assert service.host.relay is not None and await service.host.relay.drain(within=60)
        async with service.host.store.pool.acquire() as conn:
            rows = await conn.fetch("SELECT stream_id, position, recorded_at FROM events ORDER BY position")
        publication = service.definition.publication
        assert publication is not None
        events = await service.host.store.read_events([r["event_id"] for r in await _ids(service)])
        published = {e.event_id for e in events if publication(e) is not None}
    assert published, "the demo publishes something"
    stream = next(r["stream_id"] for r in rows)
    env = {
        **os.environ,
        "DISASTER_DATABASE_URL": fresh_database,
        "DISASTER_NATS_URL": stack.nats_url("disaster"),
        "DISASTER_PSEUDONYM_KEY": "republish-cli-test-key",
        "DISASTER_OIDC_ISSUER": stack.issuer.url,
    }

    async def cli(*args: str) -> tuple[int, Any, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "minzheng_disaster",
            "republish",
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return process.returncode or 0, json.loads(out) if out.strip() else None, err.decode()

    status, everything, _ = await cli("--from-position", "1", "--json")
    assert status == 0, everything
    assert everything["events"] == len(rows) and everything["failed"] == 0
    assert everything["published"] == len(published) == everything["duplicates"]
    assert everything["internal"] == len(rows) - len(published)

    status, one, _ = await cli("--stream", stream, "--json")
    assert status == 0 and one["events"] == sum(1 for r in rows if r["stream_id"] == stream)

    lo, hi = rows[1]["position"], rows[3]["position"]
    status, between, _ = await cli("--from-position", str(lo), "--to-position", str(hi), "--json")
    assert status == 0 and between["events"] == 3
    assert (between["first_position"], between["last_position"]) == (lo, hi)

    after_all = (rows[-1]["recorded_at"] + timedelta(seconds=1)).isoformat()
    status, none, _ = await cli("--since", after_all, "--json")
    assert status == 0 and none["events"] == 0 and none["published"] == 0

    status, _, err = await cli("--json")
    assert status == 2 and "give a range" in err


async def _ids(service: Any) -> list[Any]:
    async with service.host.store.pool.acquire() as conn:
        return list(await conn.fetch("SELECT event_id FROM events ORDER BY position"))
