"""Overpayment (超发): a payment that covered months after the allowance's last period, found when
the end (a death registered late) is taken in. Recorded once per payment overpaid, naming its
months and their amounts; never a negative payment (registry-rules §0, "Death")."""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_contracts.period import Period

from .events import AllowancePaid


@dataclass(frozen=True, slots=True)
class Overpaid:
    """The part of one payment after the last period."""

    payment: AllowancePaid
    months: tuple[Period, ...]
    amount_fen: int


def overpaid(payments: list[AllowancePaid], last_period: Period) -> list[Overpaid]:
    """Each payment's months after ``last_period`` (payments with none are left out), by key."""
    out = []
    for payment in sorted(payments, key=lambda p: p.key):
        after = [m for m in payment.months if last_period < Period.parse(m["period"])]
        if after:
            out.append(
                Overpaid(
                    payment,
                    tuple(Period.parse(m["period"]) for m in after),
                    sum(m["amount_fen"] for m in after),
                )
            )
    return out


__all__ = ["Overpaid", "overpaid"]
