"""Incidents, affected households, allocations and deliveries: the rules, with no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from minzheng_eventstore.errors import DomainError


class Damage(StrEnum):
    NONE = "none"
    LIGHT = "light"  # 一般损坏
    SEVERE = "severe"  # 严重损坏
    COLLAPSED = "collapsed"  # 倒塌


def check_report(
    *, happened_at: datetime, reported_at: datetime, now: datetime, area: list[str], county: str
) -> None:
    """灾情报送: a report comes after the disaster, not from the future, and inside the county."""
    if reported_at > now:
        raise DomainError("report_in_future", "the report time is in the future", field="reported_at")
    if reported_at < happened_at:
        raise DomainError(
            "report_before_occurrence", "the report time is before the disaster", field="reported_at"
        )
    outside = [code for code in area if not code.startswith(county)]
    if outside:
        raise DomainError(
            "area_outside_county", f"{', '.join(outside)} is outside county {county}", field="area"
        )
    if not area:
        raise DomainError("area_required", "name at least one division", field="area")


def check_quantities(items: dict[str, int], cash_fen: int, field: str) -> None:
    if cash_fen < 0:
        raise DomainError("negative_quantity", "cash cannot be negative", field=f"{field}.cash_fen")
    for item, quantity in items.items():
        if quantity < 0:
            raise DomainError(
                "negative_quantity", f"{item} cannot be negative", field=f"{field}.items.{item}"
            )
    if cash_fen == 0 and not any(items.values()):
        raise DomainError("nothing_given", "give cash or at least one item", field=field)


@dataclass(frozen=True, slots=True)
class Needs:
    cash: bool = True
    food: bool = False
    quilts: bool = False
    clothing: bool = False
    shelter: bool = False
