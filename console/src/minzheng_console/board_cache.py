"""The SLA board as the console holds it: one fetch of ``GET /sla/board`` at a time per token
(concurrent requests of the same user share it), its answer kept so that a page load serves the
board the polls fetched moments ago instead of waiting for the service again. The board depends
on who asks (the service scopes it to the caller's division), so the answers are kept per token
(by its hash), and dropped when nobody asked for them for a while."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from .client import Answer

Fetch = Callable[[Mapping[str, str], str], Awaitable[Answer]]
"""(the user's headers, the variant of the board) → the service's answer."""


@dataclass
class _Held:
    answer: Answer | None = None
    fetched_at: float = 0.0
    """When the fetch that gave ``answer`` started (monotonic)."""
    asked_at: float = 0.0
    running: asyncio.Task[Answer] | None = field(default=None, repr=False)
    started_at: float = 0.0


class BoardCache:
    def __init__(self, fetch: Fetch, *, keep: float = 60.0, limit: int = 256) -> None:
        self._fetch = fetch
        self._keep = keep
        self._limit = limit
        self._held: dict[str, _Held] = {}

    @staticmethod
    def _key(headers: Mapping[str, str], variant: str) -> str:
        return hashlib.sha256(headers.get("authorization", "").encode()).hexdigest() + ":" + variant

    def _entry(self, headers: Mapping[str, str], variant: str) -> _Held:
        now = time.monotonic()
        for key in [k for k, v in self._held.items() if now - v.asked_at > self._keep and v.running is None]:
            del self._held[key]
        if len(self._held) >= self._limit:
            oldest = min(self._held, key=lambda k: self._held[k].asked_at)
            del self._held[oldest]
        held = self._held.setdefault(self._key(headers, variant), _Held())
        held.asked_at = now
        return held

    def held(self, headers: Mapping[str, str], variant: str, *, max_age: float) -> Answer | None:
        """The board held for this token if it is no older than ``max_age`` seconds, else None
        (and a fetch is started, so that the request that follows finds it under way)."""
        held = self._entry(headers, variant)
        now = time.monotonic()
        if held.answer is not None and now - held.fetched_at <= max_age:
            return held.answer
        self.prefetch(headers, variant, max_age=max_age)
        return None

    def prefetch(self, headers: Mapping[str, str], variant: str, *, max_age: float) -> None:
        """Start fetching the board for this token unless a recent enough fetch is under way."""
        held = self._entry(headers, variant)
        now = time.monotonic()
        if held.running is None or now - held.started_at > max_age:
            held.started_at = now
            held.running = asyncio.ensure_future(self._run(held, dict(headers), variant, now))

    async def get(self, headers: Mapping[str, str], variant: str, *, max_age: float) -> Answer:
        """A board fetched no longer than ``max_age`` seconds ago: the one held, the one being
        fetched (if it started recently enough), or a new fetch."""
        held = self._entry(headers, variant)
        now = time.monotonic()
        if held.answer is not None and now - held.fetched_at <= max_age:
            return held.answer
        self.prefetch(headers, variant, max_age=max_age)
        assert held.running is not None
        return await asyncio.shield(held.running)

    async def _run(self, held: _Held, headers: dict[str, str], variant: str, started: float) -> Answer:
        try:
            answer = await self._fetch(headers, variant)
        finally:
            if held.started_at == started:
                held.running = None
        if started >= held.fetched_at:
            held.answer, held.fetched_at = answer, started
        return answer
