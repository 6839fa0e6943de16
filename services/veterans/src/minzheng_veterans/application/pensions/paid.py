"""What an entitlement has been paid, month by month, from its payment streams (not a read
model, so a command may decide on it: the death area records the months paid after the month of
death as overpayments).

Every pension payment of an entitlement is the only event of a stream whose id begins
``payment-<entitlement>-`` (``streams``): the month's pension ``…-<YYYY-MM>``, a back-payment
``…-<digest>-backpay`` naming the months it makes up.
"""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_contracts import Period
from minzheng_eventstore.store import Connection, EventStore

from ...domain.pensions.events import PENSION_EVENTS, PensionBackPaid, PensionPaid
from .streams import PAYMENT_STREAM_TYPE, entitlement_payments_prefix


@dataclass(frozen=True, slots=True)
class PaidMonth:
    """One month of an entitlement as paid so far: the total, and the payments it came in."""

    period: Period
    amount_fen: int
    payment_ids: tuple[str, ...]


async def months_paid(
    store: EventStore, entitlement_id: str, *, conn: Connection | None = None
) -> dict[Period, PaidMonth]:
    """Every month paid for ``entitlement_id`` (the month's pension plus any back-payment for it),
    read from its payment streams; pass the unit of work's ``conn`` to read in its transaction."""
    streams = await store.stream_ids(
        entitlement_payments_prefix(entitlement_id), stream_type=PAYMENT_STREAM_TYPE, conn=conn
    )
    totals: dict[Period, tuple[int, tuple[str, ...]]] = {}

    def add(period: Period, amount: int, payment_id: str) -> None:
        total, ids = totals.get(period, (0, ()))
        totals[period] = (total + amount, (*ids, payment_id))

    for stream in streams:
        for event in await store.read_stream(stream, conn=conn):
            if event.event_type not in ("PensionPaid", "PensionBackPaid"):
                continue
            fact = PENSION_EVENTS.load(event.event_type, event.data)
            if getattr(fact, "entitlement_id", None) != entitlement_id:
                continue  # another entitlement whose id begins with this one's
            if isinstance(fact, PensionPaid):
                add(Period.parse(fact.period), fact.amount_fen, fact.payment_id)
            elif isinstance(fact, PensionBackPaid):
                for month in fact.months:
                    add(Period.parse(month["period"]), month["due_fen"] - month["paid_fen"], fact.payment_id)
    return {p: PaidMonth(p, total, ids) for p, (total, ids) in sorted(totals.items(), key=lambda i: i[0])}


__all__ = ["PaidMonth", "months_paid"]
