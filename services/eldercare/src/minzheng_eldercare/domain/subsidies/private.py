"""A private institution's operating subsidy for a month (民办养老机构运营补贴), pure.

For each care level: the resident-months at that level × the standard in force for the level in
that month (``subsidy.private.<level>`` on the month's first day); the month's total is the sum of
the levels' amounts, so the parts add up to the total by construction, and a stated total that
disagrees is refused (422 ``total_does_not_add_up``). Once per (institution, month): the payment
id is derived from both (the application's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from minzheng_kernel.errors import DomainError
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from .parameters import CARE_LEVELS, level_parameter


class LevelLine(TypedDict):
    care_level: str
    resident_months: int
    rate_fen: int
    amount_fen: int
    standard_id: str


@dataclass(frozen=True, slots=True)
class PrivateInstitutionSubsidyPaid(DomainEvent):
    """A private institution's operating subsidy for a month, by care level, naming each level's
    standard: a payment to an organisation, internal (``PaymentIssued`` v2 has no organisation
    beneficiary)."""

    payment_id: str
    institution_id: str
    township: str
    month: str
    lines: list[LevelLine]
    total_fen: int
    paid_on: str


PRIVATE_EVENTS = EventTypes(PrivateInstitutionSubsidyPaid)


def month_start(month: str) -> date:
    """The first day of ``YYYY-MM``."""
    return date.fromisoformat(f"{month}-01")


def subsidy(
    standards: StandardsTable,
    *,
    payment_id: str,
    institution_id: str,
    township: str,
    month: str,
    resident_months: Mapping[str, int],
    stated_total_fen: int | None,
    today: date,
) -> PrivateInstitutionSubsidyPaid:
    first = month_start(month)
    if first > today.replace(day=1):
        raise DomainError("month_in_future", f"{month} has not begun", field="month")
    unknown = sorted(set(resident_months) - set(CARE_LEVELS))
    if unknown:
        raise DomainError("unknown_care_level", f"no care level {unknown[0]}", field="resident_months")
    lines: list[LevelLine] = []
    for level in CARE_LEVELS:
        count = resident_months.get(level, 0)
        if count < 0:
            raise DomainError("negative_resident_months", f"{level}: at least 0", field="resident_months")
        if count == 0:
            continue
        standard = standards.in_force(level_parameter(level), township, first)
        lines.append(
            LevelLine(
                care_level=level,
                resident_months=count,
                rate_fen=standard.value,
                amount_fen=count * standard.value,
                standard_id=standard.standard_id,
            )
        )
    total = sum(line["amount_fen"] for line in lines)
    if total <= 0:
        raise DomainError(
            "nothing_due", "no resident-months at a level with a subsidy", field="resident_months"
        )
    if stated_total_fen is not None and stated_total_fen != total:
        raise DomainError(
            "total_does_not_add_up",
            f"the levels' amounts add up to {total} fen, not the stated {stated_total_fen}",
            field="total_fen",
        )
    return PrivateInstitutionSubsidyPaid(
        payment_id, institution_id, township, month, lines, total, today.isoformat()
    )
