"""What a person is paid for a month, and what an entitlement is owed for months already paid.

The entitlement area says, for an entitlement and a month, whether this county pays it and on
which terms; the application turns those terms into a ``Basis`` (the standard's parameter, its
unit, the years of service for a rural veteran). From there everything is pure:

- ``person_month``: one person's entitlements payable in the month → the dues paid (stacking:
  all, or only the highest) and the rest skipped with a reason;
- ``owed``: one entitlement's months already paid (fen per month) → the back-payment the
  standards now in force call for (``backpay``), or ``None``.

A month whose standard is not set (``no_standard_in_force``), or whose standard is 0, is skipped
with that reason and not paid: one missing figure never stops a county's run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import StandardsTable

from .amounts import MAX_SERVICE_YEARS, Due, Rate, month_due
from .backpay import BackPayment, back_payment
from .stacking import NOT_HIGHEST, paid_under_stacking

NOTHING_DUE = "nothing_due"
NO_STANDARD = "no_standard_in_force"


@dataclass(frozen=True, slots=True)
class Basis:
    """What an entitlement's pension for a month is computed from."""

    parameter: str
    rate: Rate
    service_years: int = 1

    def __post_init__(self) -> None:
        if self.rate is Rate.MONTHLY_PER_SERVICE_YEAR and not 1 <= self.service_years <= MAX_SERVICE_YEARS:
            raise ValueError(f"service years must be 1..{MAX_SERVICE_YEARS}")


def due_for(table: StandardsTable, basis: Basis, place: str, period: Period) -> Due | str:
    """The month's due, or the reason nothing is paid (``no_standard_in_force``, ``nothing_due``)."""
    try:
        due = month_due(table, basis.parameter, basis.rate, place, period, service_years=basis.service_years)
    except DomainError as refused:
        return refused.code
    return due if due.amount_fen > 0 else NOTHING_DUE


def person_month(
    bases: Mapping[str, Basis], table: StandardsTable, place: str, period: Period, *, stack: bool
) -> tuple[dict[str, Due], dict[str, str]]:
    """One person's entitlements (id → basis) payable in ``period``: the dues paid, and the
    entitlements not paid with the reason."""
    dues: dict[str, Due] = {}
    skipped: dict[str, str] = {}
    for eid, basis in bases.items():
        due = due_for(table, basis, place, period)
        if isinstance(due, Due):
            dues[eid] = due
        else:
            skipped[eid] = due
    paid = paid_under_stacking(dues, stack=stack)
    skipped.update((eid, NOT_HIGHEST) for eid in dues if eid not in paid)
    return paid, skipped


def owed(
    paid: Mapping[Period, int],
    basis_in: Callable[[Period], Basis | None],
    table: StandardsTable,
    place: str,
) -> BackPayment | None:
    """The back-payment for an entitlement's months already ``paid`` (everything paid for each so
    far), each recomputed on its terms of that month (``basis_in``) under the standards now in
    force. A month no longer payable on any terms owes nothing here (an overpayment is recorded
    by whoever ended the entitlement, never netted)."""
    due_now: dict[Period, Due] = {}
    for period in paid:
        basis = basis_in(period)
        if basis is None:
            continue
        due = due_for(table, basis, place, period)
        if isinstance(due, Due):
            due_now[period] = due
    return back_payment(paid, due_now)


__all__ = ["NOTHING_DUE", "NO_STANDARD", "Basis", "due_for", "owed", "person_month"]
