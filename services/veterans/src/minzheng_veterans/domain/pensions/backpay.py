"""Back-payment after a late raise (补发): the months paid at less than the standards now say.

A raise is often published after the month it takes effect from (the 2019 national raise, from
1 August, was announced in the autumn): the months between were paid at the old standard. Once
the new standard is in the table, each month already paid for an entitlement is recomputed under
the standards now in force (``amounts.month_due``); where it is due more than was paid (the
month's payment plus any earlier back-payment for it), the difference is owed. All the owed months
of one entitlement go into ONE back-payment, which names each month, its new standard and the
difference.

Exactly once: after the back-payment is recorded, its months count as paid in full, so computing
again owes nothing; and its key (the months and the standards they are now paid under) is the
same for as long as the standards are, so a repeated run, or the same standard posted again,
names the same back-payment and the store writes it once. A later raise of the same months
gives a new back-payment with a new key for the new difference only.

The months are netted: a month's share of a higher annual standard can be 1 fen below the
share of a lower one (⌊A·m/12⌋ − ⌊A·(m−1)/12⌋ is not monotonic in A month by month), so a month
now due 1 fen less than was paid counts −1 against the others, and the months paid plus the
back-payment are exactly what the standards now say. Where the net is not positive (a
correction downwards) nothing is paid and nothing is taken back: a pension is never paid
negative, and recovering an overpayment is a recorded decision of its own
(``OverpaymentRecorded``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from minzheng_contracts import Period

from .amounts import Due


@dataclass(frozen=True, slots=True)
class OwedMonth:
    """One month of a back-payment: what it is due now, what was paid, the standard it is due
    under (``owed_fen`` is negative for a month netted against the others)."""

    period: Period
    due_fen: int
    paid_fen: int
    standard_id: str

    @property
    def owed_fen(self) -> int:
        return self.due_fen - self.paid_fen


@dataclass(frozen=True, slots=True)
class BackPayment:
    """The one back-payment of an entitlement for the months it was underpaid."""

    months: tuple[OwedMonth, ...]

    @property
    def amount_fen(self) -> int:
        return sum(m.owed_fen for m in self.months)

    @property
    def key(self) -> str:
        """What the back-payment pays for, the same for the same months under the same standards:
        its deterministic id and stream are made from it."""
        return ";".join(f"{m.period}={m.standard_id}" for m in self.months)

    @property
    def digest(self) -> str:
        """A short stable name of ``key`` (for the stream name)."""
        return hashlib.sha1(self.key.encode(), usedforsecurity=False).hexdigest()[:16]

    @property
    def first(self) -> Period:
        return self.months[0].period

    @property
    def last(self) -> Period:
        return self.months[-1].period


def back_payment(paid: Mapping[Period, int], due_now: Mapping[Period, Due]) -> BackPayment | None:
    """The back-payment owed for the months already ``paid`` (fen per month, everything paid for
    it so far) under the standards now in force (``due_now``, for those months), or ``None`` when
    the months, netted, are not owed anything."""
    owed = tuple(
        OwedMonth(period, due.amount_fen, paid[period], due.standard_id)
        for period, due in sorted(due_now.items(), key=lambda item: item[0])
        if period in paid and due.amount_fen != paid[period]
    )
    back = BackPayment(owed)
    return back if back.amount_fen > 0 else None


__all__ = ["BackPayment", "OwedMonth", "back_payment"]
