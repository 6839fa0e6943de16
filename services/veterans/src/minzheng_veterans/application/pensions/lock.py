"""The lock between paying pensions and ending an entitlement (a death): a month is either paid
before the death is taken in (and the death records it as overpaid), or decided after it (and
not paid from the month after the death).

The pension run holds ``PAYMENTS_LOCK`` shared for its whole decision and payment (runs side by
side are fine: their ids are deterministic); a unit that ends entitlements calls
``hold_payments(uow.conn)`` first, which waits for the runs under way and holds new ones off
until its transaction ends (the kit's ``payments.paying`` and ``payments.hold_payments``).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from minzheng_eventstore import payments
from minzheng_eventstore.store import Connection, EventStore

PAYMENTS_LOCK = 0x76657465_72616E01
"""The veterans service's payments lock (its own database: no other service shares the key)."""


def paying(store: EventStore) -> AbstractAsyncContextManager[None]:
    """Hold the lock shared while a run decides and pays."""
    return payments.paying(store, PAYMENTS_LOCK)


async def hold_payments(conn: Connection) -> None:
    """In a unit that ends entitlements: wait for the runs under way, hold new ones off until
    ``conn``'s transaction ends."""
    await payments.hold_payments(conn, PAYMENTS_LOCK)


__all__ = ["PAYMENTS_LOCK", "hold_payments", "paying"]
