"""``AppendHint``: after a ring, a tailer looks again soon until a read begun after the ring found
events; then it waits for the next ring (or its idle poll)."""

from __future__ import annotations

import asyncio

import pytest

from minzheng_eventstore.hint import AppendHint


async def test_a_ring_no_later_read_answered_brings_the_next_look_soon() -> None:
    hint = AppendHint(retry=0.001, patience=60)
    hint.reading()
    hint.ring()  # during that read: it may not have seen the new events
    hint.found()
    await asyncio.wait_for(hint.wait(idle=60), 5)  # not the idle minute: a quick look again
    hint.reading()  # a read that began after the ring and came back empty (held back)
    await asyncio.wait_for(hint.wait(idle=60), 5)  # still looking


async def test_once_a_later_read_found_events_it_waits_for_the_next_ring() -> None:
    hint = AppendHint(retry=0.001, patience=60)
    hint.ring()
    hint.reading()
    hint.found()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(hint.wait(idle=60), 0.2)
    waiting = asyncio.create_task(hint.wait(idle=60))
    await asyncio.sleep(0.01)
    hint.ring()
    await asyncio.wait_for(waiting, 5)


async def test_past_its_patience_it_goes_back_to_polling() -> None:
    hint = AppendHint(retry=0.001, patience=0.01)
    hint.ring()
    await asyncio.sleep(0.02)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(hint.wait(idle=60), 0.2)
