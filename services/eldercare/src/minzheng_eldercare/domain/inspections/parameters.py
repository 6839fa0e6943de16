"""The rectification standards (整改期限), data per jurisdiction (eldercare-rules §3, "Standards
(data)", [assume]): ``rectification.days``, the calendar days from the order to its deadline
(30), and ``rectification.at_risk_days``, how many days before the deadline the order is at risk
(3). Calendar days, not working days: the rules give the period in days and name no calendar; a
county that counts working days would need a working-day parameter (not built)."""

from __future__ import annotations

from enum import StrEnum


class Parameter(StrEnum):
    DAYS = "rectification.days"
    AT_RISK_DAYS = "rectification.at_risk_days"

    @property
    def minimum(self) -> int:
        return 1 if self is Parameter.DAYS else 0

    @property
    def maximum(self) -> int:
        return 365 if self is Parameter.DAYS else 90


DEMO: tuple[tuple[str, str, int], ...] = (
    (Parameter.DAYS.value, "2024-01-01", 30),
    (Parameter.AT_RISK_DAYS.value, "2024-01-01", 3),
)
"""Demo county 330727 [assume]: a 30-day deadline, at risk 3 days before."""
