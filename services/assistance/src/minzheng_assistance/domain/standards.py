"""Standards are data: effective-dated, scoped to a jurisdiction (GB/T 2260 division code).

A county may raise its 低保 standard from a date (e.g. urban 488 → 528 yuan a month); a township
may have its own. The standard in force for a place on a date is the one of the most specific
jurisdiction that contains the place, and among those the latest that took effect on or before
the date.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable

__all__ = ["Parameter", "Standard", "StandardsTable", "check_effective_from"]


class Parameter(StrEnum):
    """What a standard fixes, with its unit."""

    DIBAO_URBAN = "dibao_urban"  # 城市低保标准, fen per person per month
    DIBAO_RURAL = "dibao_rural"  # 农村低保标准, fen per person per month
    TEKUN_CENTRALISED = "tekun_centralised"  # 特困集中供养标准, fen per person per month
    TEKUN_DISPERSED = "tekun_dispersed"  # 特困分散供养标准, fen per person per month
    TEMPORARY_AID_LIMIT = "temporary_aid_limit"  # 临时救助单次上限, fen per grant
    MEDICAL_RATE = "medical_rate"  # 医疗救助比例, basis points of the eligible cost
    MEDICAL_ANNUAL_CAP = "medical_annual_cap"  # 医疗救助年度封顶, fen per person per year
    NOTICE_DAYS = "notice_days"  # 公示期, days
    PAYMENT_LEAD_MONTHS = "payment_lead_months"  # months ahead of the current one that may be paid

    @property
    def maximum(self) -> int:
        """The largest value a standard of this parameter can take."""
        return _MAXIMUM.get(self, 10**12)


_MAXIMUM = {
    Parameter.MEDICAL_RATE: 10_000,  # basis points: at most the whole cost
    Parameter.NOTICE_DAYS: 365,
    Parameter.PAYMENT_LEAD_MONTHS: 12,
}


def check_effective_from(effective_from: date, today: date, *, correction: str | None) -> None:
    """A standard takes effect today or later (``today``: the county's date); one from a past date
    is a correction, which needs a reason (``correction``) and is the county approver's (the
    route's permission). Refused (422, ``effective_from``): ``standard_in_the_past`` without a
    reason, ``not_a_correction`` for a "correction" from today or later (the standards officer
    sets those), ``reason_required`` for a blank reason."""
    if correction is None:
        if effective_from < today:
            raise DomainError(
                "standard_in_the_past",
                f"a standard cannot take effect before today ({today.isoformat()}): a past date is a "
                "correction by a county approver, with a reason (POST /standards/corrections)",
                field="effective_from",
            )
        return
    if not correction.strip():
        raise DomainError("reason_required", "a correction needs a reason", field="reason")
    if effective_from >= today:
        raise DomainError(
            "not_a_correction",
            f"a standard from today ({today.isoformat()}) or later is set by the standards officer "
            "(POST /standards), not corrected",
            field="effective_from",
        )
