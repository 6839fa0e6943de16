"""Overpayments (多发): months already paid beyond what was due once a later fact is known (a death
registered late). They are recorded with a recovery task (追回); a paid month is never reversed by
a negative payment (registry-rules §0 "Death")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from minzheng_contracts import Period

from . import events as ev


@dataclass(frozen=True, slots=True)
class PaidMonth:
    """A month already paid (已发放): the payment and its amount."""

    period: Period
    payment_id: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Overpayment:
    """Months paid beyond what was due, with a recovery task open on them."""

    overpayment_id: str
    reason: str
    cause_date: str
    months: tuple[ev.OverpaidMonth, ...]
    total_fen: int
    recovery: str = "open"


def overpaid_months(
    paid: Sequence[PaidMonth], *, from_period: Period, due: Callable[[Period], int]
) -> list[ev.OverpaidMonth]:
    """The months of ``paid`` from ``from_period`` on that were paid more than ``due`` them."""
    months: list[ev.OverpaidMonth] = []
    for month in sorted(paid, key=lambda p: p.period):
        if month.period < from_period:
            continue
        owed = due(month.period)
        if month.amount_fen > owed:
            months.append(
                ev.OverpaidMonth(
                    period=str(month.period),
                    payment_id=month.payment_id,
                    paid_fen=month.amount_fen,
                    due_fen=owed,
                    overpaid_fen=month.amount_fen - owed,
                )
            )
    return months
