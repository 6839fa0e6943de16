"""Several categories of one person (兼有多种优抚对象身份): all paid, or only the highest.

Whether a person's pensions of several categories stack is a standard (``pension.stacking``: 1 all
stack, 0 only the highest is paid) in force on the 1st of the month, so a county can change it
from a month on. The highest is the one with the largest annual amount in force that month; a tie
goes to the smallest entitlement id, so the choice never depends on the order of the input.
"""

from __future__ import annotations

from collections.abc import Mapping

from .amounts import Due

NOT_HIGHEST = "not_highest"
"""The reason an entitlement is not paid for a month: the person has a higher one and the
categories do not stack."""


def paid_under_stacking(dues: Mapping[str, Due], *, stack: bool) -> dict[str, Due]:
    """Of one person's dues for one month (by entitlement id), those that are paid."""
    if stack or len(dues) <= 1:
        return dict(dues)
    best = min(dues, key=lambda eid: (-dues[eid].annual_fen, eid))
    return {best: dues[best]}


__all__ = ["NOT_HIGHEST", "paid_under_stacking"]
