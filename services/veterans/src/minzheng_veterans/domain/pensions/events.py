"""The pension run's events (抚恤金按月发放 · 补发).

``PensionPaid`` is a month's pension of one entitlement, the first and only event of its stream
``payment-<entitlement>-<YYYY-MM>``; ``PensionBackPaid`` is the one back-payment of an
entitlement after a late raise, the only event of ``payment-<entitlement>-<digest>-backpay``
(``backpay.BackPayment.digest``). Both are published as ``PaymentIssued`` schema_version 2
(producer veterans). ``PensionRunCompleted`` records what a run did, in ``pension-run-<YYYY-MM>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from minzheng_kernel.events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class PensionPaid(DomainEvent):
    """A month's pension paid for one entitlement, naming the standard it is paid under."""

    payment_id: str
    entitlement_id: str
    category: str
    period: str
    amount_fen: int
    standard_id: str
    run_id: str | None
    residence: str
    beneficiary: str
    """The person paid (resident ID: the contract names the payee)."""


class OwedMonthData(TypedDict):
    """One month of a back-payment as stored."""

    period: str
    due_fen: int
    paid_fen: int
    standard_id: str


@dataclass(frozen=True, slots=True)
class PensionBackPaid(DomainEvent):
    """The back-payment (补发) of an entitlement's underpaid months after a late raise; ``months``
    names each month's new standard and difference, ``standard_id`` the latest of them."""

    payment_id: str
    entitlement_id: str
    category: str
    amount_fen: int
    standard_id: str
    months: list[OwedMonthData]
    run_id: str | None
    residence: str
    beneficiary: str


@dataclass(frozen=True, slots=True)
class PensionRunCompleted(DomainEvent):
    """What one run of a month did: pensions paid and found paid, back-payments, skips by reason."""

    run_id: str
    period: str
    considered: int
    paid: int
    already_paid: int
    total_fen: int
    back_paid: int
    back_paid_fen: int
    skipped: dict[str, int]


PENSION_EVENTS = EventTypes(PensionPaid, PensionBackPaid, PensionRunCompleted)

__all__ = ["PENSION_EVENTS", "OwedMonthData", "PensionBackPaid", "PensionPaid", "PensionRunCompleted"]
