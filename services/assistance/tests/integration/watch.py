"""A second process: reads every contract the assistance service published for one household.

python watch.py NATS_URL HOUSEHOLD_ID  → one JSON line per message: {"event_type", "event_id"}
"""

from __future__ import annotations

import asyncio
import json
import sys

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy


async def main(url: str, household: str) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    info = await js.stream_info("ASSISTANCE")
    sub = await js.pull_subscribe(
        "assistance.>",
        stream="ASSISTANCE",
        config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL),
    )
    seen = 0
    while seen < info.state.messages:
        for msg in await sub.fetch(500, timeout=5):
            seen += 1
            body = json.loads(msg.data)
            if isinstance(body.get("data"), dict) and body["data"].get("household_id") == household:
                print(
                    json.dumps({"event_type": body["event_type"], "event_id": body["event_id"]}), flush=True
                )
            await msg.ack()
    await nc.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
