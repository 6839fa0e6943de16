"""The reports' figures, pure: a rectification order's status on a day, occupancy and beds per
1,000 elderly (每千名老年人拥有养老床位数)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class OrderStatus(StrEnum):
    OPEN = "open"  # 整改中
    AT_RISK = "at_risk"  # 临期
    OVERDUE = "overdue"  # 逾期
    COMPLETED = "completed"  # 整改完成


@dataclass(frozen=True, slots=True)
class OrderDays:
    """The days an order's events happened (None: not yet)."""

    ordered_on: date
    at_risk_on: date | None
    overdue_on: date | None
    completed_on: date | None


def order_status(order: OrderDays, on: date) -> OrderStatus | None:
    """The order's status at the end of ``on`` (None: not ordered yet), by the events recorded."""
    if on < order.ordered_on:
        return None
    if order.completed_on is not None and order.completed_on <= on:
        return OrderStatus.COMPLETED
    if order.overdue_on is not None and order.overdue_on <= on:
        return OrderStatus.OVERDUE
    if order.at_risk_on is not None and order.at_risk_on <= on:
        return OrderStatus.AT_RISK
    return OrderStatus.OPEN


def per_mille(part: int, whole: int) -> str | None:
    """``part / whole`` as a rate to two decimals, as a string (exact, no float), None if whole is 0."""
    if whole <= 0:
        return None
    hundredths = (part * 100 * 2 + whole) // (whole * 2)  # rounded half up
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def occupancy_percent(occupied: int, beds: int) -> str | None:
    """Occupied beds as a percentage of beds (入住率), two decimals."""
    return per_mille(occupied * 100, beds)


def beds_per_thousand(beds: int, elderly: int) -> str | None:
    """Beds per 1,000 elderly, two decimals."""
    return per_mille(beds * 1000, elderly)
