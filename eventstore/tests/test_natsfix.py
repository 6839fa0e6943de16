"""The fetch timeout work-around: faststream's batch loop must see every fetch timeout as the
``TimeoutError`` it catches, or it drops the batch it collected (see ``natsfix``)."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.nats.subscriber.usecases import stream_pull_subscriber
from nats.js import JetStreamContext

from minzheng_eventstore import natsfix


def _subscription_whose_fetch_times_out_like_nats_py() -> Any:
    sub = object.__new__(JetStreamContext.PullSubscription)
    sub._sub = object()  # fetch only checks that there is one

    async def fetch_n(*args: Any) -> list[Any]:
        raise TimeoutError  # asyncio.TimeoutError, as nats-py's _fetch_n, second phase, deadline gone

    sub._fetch_n = fetch_n
    return sub


async def test_every_fetch_timeout_is_the_one_faststream_catches() -> None:
    natsfix.install()
    natsfix.install()  # idempotent
    sub = _subscription_whose_fetch_times_out_like_nats_py()
    with pytest.raises(stream_pull_subscriber.TimeoutError):  # the name faststream's loop catches
        await sub.fetch(batch=5, timeout=0.1)
    with pytest.raises(TimeoutError):  # still the builtin for everyone else
        await sub.fetch(batch=5, timeout=0.1)
