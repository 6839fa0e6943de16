"""Properties of the two sides of a stream at a moment (``asof.sides``), over any stream: what was
known then is exactly what was recorded by then; what is known now about then is exactly what
occurred by then; the late facts and the ones ahead are the differences, and what both sides share
is the same events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore.asof import sides
from minzheng_eventstore.model import Checkpoint, RecordedEvent

T0 = datetime(2026, 1, 1, tzinfo=UTC)

offsets = st.lists(st.tuples(st.integers(-50, 50), st.integers(0, 5)), min_size=1, max_size=40)


def stream(steps: list[tuple[int, int]]) -> list[RecordedEvent]:
    """Events recorded one after another (a gap of ``gap`` minutes each), each occurring ``shift``
    minutes from when it was recorded (negative: a late fact)."""
    events, recorded = [], T0
    for version, (shift, gap) in enumerate(steps, start=1):
        recorded += timedelta(minutes=gap)
        events.append(
            RecordedEvent(
                "s-1",
                "s",
                version,
                version,
                version,
                uuid.uuid4(),
                "E",
                1,
                {},
                recorded + timedelta(minutes=shift),
                recorded,
            )
        )
    return events


@given(offsets, st.integers(-10, 260))
def test_the_sides_at_a_time(steps: list[tuple[int, int]], minutes: int) -> None:
    events = stream(steps)
    moment = T0 + timedelta(minutes=minutes)
    found = sides(events, moment, None)
    assert found.known_then == [e for e in events if e.recorded_at <= moment]
    assert found.known_now == [e for e in events if e.occurred_at <= moment]
    then, now = {e.event_id for e in found.known_then}, {e.event_id for e in found.known_now}
    assert {e.event_id for e in found.late} == now - then
    assert {e.event_id for e in found.ahead} == then - now
    assert all(e.recorded_at > moment for e in found.late)
    assert (found.late == [] and found.ahead == []) == (then == now)


@given(offsets, st.integers(0, 41))
def test_the_sides_at_a_position_take_the_time_of_the_last_event_known_then(
    steps: list[tuple[int, int]], position: int
) -> None:
    events = stream(steps)
    found = sides(events, Checkpoint(position, position), None)
    assert found.known_then == events[:position]
    if position == 0:
        assert found.at is None and found.known_now == []
    else:
        at = events[min(position, len(events)) - 1].recorded_at
        assert found.at == at and found.known_now == [e for e in events if e.occurred_at <= at]
