"""The allowance run's events (高龄津贴发放).

``AllowancePaid`` is one payment of an elder's allowance, the first and only event of its stream
``payment-<elder>-<key>``: ``<key>`` is the month ``YYYY-MM`` (monthly mode) or the year ``YYYY``
(annual mode, one payment for the year's eligible months). It is published as ``PaymentIssued``
schema_version 2, programme ``eldercare_old_age_allowance``. ``AllowanceRunCompleted`` records
what one run did, in ``allowance-run-<YYYY-MM>``. ``OverpaymentRecorded`` is one payment found to
cover months after the allowance's last period (a death registered after the month was paid), the
only event of ``overpayment-<elder>-<key>``: one per payment overpaid, naming its months.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from minzheng_kernel.events import DomainEvent, EventTypes


class PaidMonthData(TypedDict):
    """One month a payment covers, as stored: its band, amount and the standard in force."""

    period: str
    band: str
    amount_fen: int
    standard_id: str


@dataclass(frozen=True, slots=True)
class AllowancePaid(DomainEvent):
    """An elder's allowance paid for a month, or (annual mode) for the year's eligible months;
    ``standard_id`` names the band's standard in force (for a year: that of its last month)."""

    payment_id: str
    elder_id: str
    allowance_id: str
    key: str
    """``YYYY-MM`` for a month, ``YYYY`` for a year's payment."""
    mode: str
    """``monthly`` or ``annual``."""
    band: str
    amount_fen: int
    standard_id: str
    months: list[PaidMonthData]
    run_id: str | None
    residence: str
    beneficiary: str
    """The elder (resident ID: the contract names the payee; never in a response or a log)."""


@dataclass(frozen=True, slots=True)
class AllowanceRunCompleted(DomainEvent):
    """What one run of a month did: ``mode`` the mode in force, ``paid`` the payments written now,
    ``already_paid`` those found written (a repeat or a resumed run), skips by reason."""

    run_id: str
    period: str
    mode: str
    considered: int
    paid: int
    already_paid: int
    total_fen: int
    skipped: dict[str, int]


@dataclass(frozen=True, slots=True)
class OverpaymentRecorded(DomainEvent):
    """A payment that covered months after the allowance's last period (超发): the months and the
    amount to recover (a recovery task, never a negative payment)."""

    overpayment_id: str
    elder_id: str
    allowance_id: str
    payment_id: str
    key: str
    months: list[str]
    amount_fen: int
    last_period: str
    reason: str
    died_on: str | None
    residence: str


PAYMENT_EVENTS = EventTypes(AllowancePaid, AllowanceRunCompleted, OverpaymentRecorded)

__all__ = [
    "PAYMENT_EVENTS",
    "AllowancePaid",
    "AllowanceRunCompleted",
    "OverpaymentRecorded",
    "PaidMonthData",
]
