"""What a delivery draws from (发放出库): an incident's allocations of one item, per warehouse.

An item may be allocated to an incident from several warehouses; each warehouse's share is its own
allocation (``allocations`` row per incident, item and warehouse, with the time of its first
allocation). A delivery draws from them **oldest allocation first** (then by warehouse name), and
only from allocations made by the delivery's time: a delivery cannot have handed out what was not
allocated yet. Each part drawn releases that warehouse's reservation and leaves its stock. Cash is
one allocation with no warehouse (``CASH``). No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from minzheng_kernel.errors import Conflict, DomainError

CASH = ""
"""The warehouse of cash allocations (funds come from an allocation document, not a warehouse)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One allocation of one item to an incident: what is left of it, and since when it exists."""

    item: str
    warehouse: str
    allocated_at: datetime
    left: int


def order(sources: Iterable[Source]) -> list[Source]:
    """Oldest allocation first, then by warehouse name (a total, deterministic order)."""
    return sorted(sources, key=lambda s: (s.allocated_at, s.warehouse))


def draw_item(sources: Sequence[Source], item: str, quantity: int, *, at: datetime) -> dict[str, int]:
    """The parts of ``quantity`` of ``item`` drawn per warehouse, oldest allocation first.

    Refused with ``over_allocation`` (409) when the allocations hold less, and with
    ``delivered_before_allocation`` (422, ``delivered_at``) when enough was allocated only after
    the delivery's time."""
    if quantity <= 0:
        return {}
    mine = [s for s in sources if s.item == item]
    total = sum(s.left for s in mine)
    field = "cash_fen" if item == "cash_fen" else f"items.{item}"
    if quantity > total:
        raise Conflict(
            "over_allocation", f"only {total} {item} left of this incident's allocation", field=field
        )
    eligible = [s for s in order(mine) if s.allocated_at <= at]
    if quantity > sum(s.left for s in eligible):
        raise DomainError(
            "delivered_before_allocation",
            f"the delivery time is before enough {item} was allocated",
            field="delivered_at",
        )
    parts: dict[str, int] = {}
    rest = quantity
    for s in eligible:
        if rest == 0:
            break
        take = min(s.left, rest)
        if take:
            parts[s.warehouse] = take
            rest -= take
    return parts


def draw(sources: Sequence[Source], wanted: Mapping[str, int], *, at: datetime) -> dict[str, dict[str, int]]:
    """Every item of a delivery drawn: warehouse (``CASH`` for cash) → item → quantity."""
    drawn: dict[str, dict[str, int]] = {}
    for item, quantity in wanted.items():
        for warehouse, part in draw_item(sources, item, quantity, at=at).items():
            drawn.setdefault(warehouse, {})[item] = part
    return {w: drawn[w] for w in sorted(drawn)}
