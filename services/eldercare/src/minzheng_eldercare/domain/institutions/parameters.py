"""The institutions area's standards (data, effective-dated per jurisdiction).

- ``institutions.leave_max_days``: the longest leave (请假离院) granted at once, in days
  [assume: 30; institutions set it in their agreements, the county may bound it].
"""

from __future__ import annotations

from enum import StrEnum


class Parameter(StrEnum):
    LEAVE_MAX_DAYS = "institutions.leave_max_days"

    @property
    def minimum(self) -> int:
        return 1

    @property
    def maximum(self) -> int:
        return 366


DEMO: tuple[tuple[str, str, int], ...] = ((Parameter.LEAVE_MAX_DAYS.value, "2024-01-01", 30),)
"""Demo county 330727 [assume]: a leave of at most 30 days at a time."""
