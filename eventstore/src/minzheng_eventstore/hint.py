"""``AppendHint``: how a tailer (relay, projection) learns that this process appended events.

Tailers poll (``idle_interval``), so that appends by other processes are seen too; an append by
this process rings the hint so that its tailers look at once. An announced append may not be
readable yet: ``read_all`` holds the tail back while any older transaction in the cluster is
still open (another service's consumer, in another database of the same server, is enough). So
after a ring a tailer looks again every ``retry`` seconds, for up to ``patience``, until a read
that began after the ring has returned events; only then does it go back to waiting. Before,
a read that came up empty that way left the event for the next poll: up to 50 ms more latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import time


class AppendHint:
    def __init__(self, *, retry: float = 0.002, patience: float = 0.1) -> None:
        self.retry = retry
        self.patience = patience
        self._event = asyncio.Event()
        self._rang: float | None = None  # the oldest ring that no read begun after it has answered
        self._read = 0.0

    def ring(self) -> None:
        """Events were appended (a ``store.on_append`` listener)."""
        if self._rang is None:
            self._rang = time.monotonic()
        self._event.set()

    def reading(self) -> None:
        """The tailer begins a read now."""
        self._read = time.monotonic()

    def found(self) -> None:
        """The read begun at the last ``reading`` returned events."""
        if self._rang is not None and self._read >= self._rang:
            self._rang = None

    async def wait(self, idle: float) -> None:
        """Until it is time to read again: soon after an unanswered ring, else at the next ring or
        after ``idle`` seconds."""
        self._event.clear()
        if self._rang is not None:
            if time.monotonic() - self._rang < self.patience:
                await asyncio.sleep(self.retry)
                return
            self._rang = None  # held back longer than that (a long transaction): back to polling
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), idle)
