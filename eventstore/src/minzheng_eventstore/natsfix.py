"""A work-around for a way faststream 0.7 and nats-py 2.16 together lose a fetched batch.

faststream's batch pull loop (``BatchPullStreamSubscriber._consume_pull``) fetches until the
batch is full or its timeout has passed, and ends a round on ``TimeoutError`` — but the name it
catches is ``nats.errors.TimeoutError``, imported over the builtin. nats-py's ``fetch`` raises the
builtin ``asyncio.TimeoutError`` on one path (``_fetch_n``: no message yet in the second phase and
the deadline already gone), which happens under load when a second fetch in the same round gets
little time. The exception then escapes the loop, the messages already collected in that round
are dropped without an ack, and faststream restarts the loop. JetStream redelivers them only
after ``ack_wait``; meanwhile they count against ``max_ack_pending``, so the consumer trickles.
Found by the payment-run benchmark (p99 latency of 10 s = ``ack_wait``).

``install()`` makes ``PullSubscription.fetch`` raise ``nats.errors.TimeoutError`` (a subclass of
the builtin, so every other caller is unaffected) for every timeout. Idempotent.
"""

from __future__ import annotations

import functools
from typing import Any

import nats.errors
from nats.js import JetStreamContext

_MARK = "_minzheng_timeout_fix"


def install() -> None:
    pull = JetStreamContext.PullSubscription
    if getattr(pull.fetch, _MARK, False):
        return
    original = pull.fetch

    @functools.wraps(original)
    async def fetch(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except nats.errors.TimeoutError:
            raise
        except TimeoutError as exc:
            raise nats.errors.TimeoutError from exc

    setattr(fetch, _MARK, True)
    pull.fetch = fetch  # type: ignore[method-assign]
