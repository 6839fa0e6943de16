"""The lock between paying allowances and ending them (a death): a month is either paid before the
end is taken in (and then recorded as overpaid), or decided after it (and not paid).

The run holds ``PAYMENTS_LOCK`` shared for its whole decision and payment; the overpayment
reaction (``overpayments``) calls ``hold_payments(conn)`` in its transaction before it reads what
was paid, which waits for the runs under way. The allowance area's end unit may call it too (the
kit's ``payments.paying`` and ``payments.hold_payments``), so that no run starts on a roll
without the end.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from minzheng_eventstore import payments
from minzheng_eventstore.store import Connection, EventStore

PAYMENTS_LOCK = 0x656C6465_72636101
"""The eldercare service's payments lock (its own database: no other service shares the key)."""


def paying(store: EventStore) -> AbstractAsyncContextManager[None]:
    """Hold the lock shared while a run decides and pays."""
    return payments.paying(store, PAYMENTS_LOCK)


async def hold_payments(conn: Connection) -> None:
    """In a unit that ends allowances or records what they overpaid: wait for the runs under way,
    hold new ones off until ``conn``'s transaction ends."""
    await payments.hold_payments(conn, PAYMENTS_LOCK)


__all__ = ["PAYMENTS_LOCK", "hold_payments", "paying"]
