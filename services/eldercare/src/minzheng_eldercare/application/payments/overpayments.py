"""Overpayments (超发): when an allowance's end (``AllowanceEnded``, a death registered after the
month was paid) is recorded, every payment that covered months after its ``last_period`` is
recorded as ONE ``OverpaymentRecorded`` (per payment: a month's, or a year's naming its months
after the end), in ``overpayment-<elder>-<key>`` with a deterministic id.

A reaction to the service's own events: a checkpointed kit ``Projection`` over the elder streams
(``NAME``), whose page, overpayments and checkpoint commit in one transaction; its writes are
``create_streams_once``, so the same end delivered twice, a replay or a reset of the checkpoint
records nothing twice. It runs as a background task (``background``) and is brought up to date
before the overpayments are read (``react``). What was paid comes from the payment streams, read
in the reaction's transaction after ``hold_payments`` (a run under way finishes first), never from
a read model. The overpayment's time is the end's.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable

from minzheng_contracts.period import Period
from minzheng_eventstore import EventMetadata, NewEvent, RecordedEvent
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.projection import Projection
from minzheng_eventstore.store import Connection, EventStore

from ...domain.allowance.events import ELDER_EVENTS, AllowanceEnded
from ...domain.payments.events import PAYMENT_EVENTS, AllowancePaid, OverpaymentRecorded
from ...domain.payments.overpayment import overpaid
from .lock import hold_payments
from .streams import (
    OVERPAYMENT_STREAM_TYPE,
    PAYMENT_STREAM_TYPE,
    elder_payments_prefix,
    overpayment_id,
    overpayment_stream,
)

NAME = "eldercare-allowance-overpayments"
"""The reaction's checkpoint (a projection name)."""
ACTOR = "eldercare-overpayment-policy"
ELDER_STREAM_TYPE = "elder"


async def payments_of(
    store: EventStore, elder_id: str, *, conn: Connection | None = None
) -> list[AllowancePaid]:
    """Every allowance payment of an elder, from its payment streams (in ``conn``'s transaction)."""
    out = []
    for stream in await store.stream_ids(
        elder_payments_prefix(elder_id), stream_type=PAYMENT_STREAM_TYPE, conn=conn
    ):
        for event in await store.read_stream(stream, conn=conn):
            if event.event_type != "AllowancePaid":
                continue
            fact = PAYMENT_EVENTS.load(event.event_type, event.data)
            if isinstance(fact, AllowancePaid) and fact.elder_id == elder_id:  # not a longer id's
                out.append(fact)
    return out


def _recorded(end: RecordedEvent, fact: OverpaymentRecorded) -> NewEvent:
    meta = EventMetadata(
        correlation_id=end.correlation_id,
        causation_id=end.event_id,
        actor=ACTOR,
        jurisdiction=fact.residence,
    )
    return NewEvent(
        event_id=overpayment_id(fact.elder_id, fact.key),
        event_type=fact.event_type,
        schema_version=fact.schema_version,
        data=fact.to_data(),
        occurred_at=end.occurred_at,
        metadata=meta,
    )


async def record_overpayments(store: EventStore, end: RecordedEvent, conn: Connection) -> int:
    """The overpayments of one end (none if nothing after its last period was paid); how many were
    written now."""
    ended = ELDER_EVENTS.load(end.event_type, end.data)
    assert isinstance(ended, AllowanceEnded)
    found = overpaid(await payments_of(store, ended.elder_id, conn=conn), Period.parse(ended.last_period))
    streams = [
        (
            overpayment_stream(ended.elder_id, o.payment.key),
            [
                _recorded(
                    end,
                    OverpaymentRecorded(
                        overpayment_id=str(overpayment_id(ended.elder_id, o.payment.key)),
                        elder_id=ended.elder_id,
                        allowance_id=ended.allowance_id,
                        payment_id=o.payment.payment_id,
                        key=o.payment.key,
                        months=[str(m) for m in o.months],
                        amount_fen=o.amount_fen,
                        last_period=ended.last_period,
                        reason=ended.reason,
                        died_on=ended.died_on,
                        residence=o.payment.residence,
                    ),
                )
            ],
        )
        for o in found
    ]
    if not streams:
        return 0
    return len(await store.create_streams_once(OVERPAYMENT_STREAM_TYPE, streams, conn=conn))


def handler(store: EventStore) -> Callable[[list[RecordedEvent], Connection], Awaitable[None]]:
    async def handle(events: list[RecordedEvent], conn: Connection) -> None:
        ends = [e for e in events if e.event_type == "AllowanceEnded"]
        if not ends:
            return
        await hold_payments(conn)
        for end in ends:
            await record_overpayments(store, end, conn)

    return handle


_REACTIONS: weakref.WeakKeyDictionary[EventStore, Projection] = weakref.WeakKeyDictionary()


def reaction(ctx: ServiceContext) -> Projection:
    """The service's one reaction (per store)."""
    found = _REACTIONS.get(ctx.store)
    if found is None:
        found = Projection(ctx.store, NAME, handler(ctx.store), stream_types=[ELDER_STREAM_TYPE])
        _REACTIONS[ctx.store] = found
    return found


async def react(ctx: ServiceContext) -> int:
    """Take in every end recorded so far (their overpayments written); the events read."""
    return await reaction(ctx).catch_up()


async def background(ctx: ServiceContext, stop: asyncio.Event) -> None:
    """The reaction while the service runs."""
    await reaction(ctx).run(stop)


__all__ = ["ACTOR", "NAME", "background", "payments_of", "react", "reaction", "record_overpayments"]
