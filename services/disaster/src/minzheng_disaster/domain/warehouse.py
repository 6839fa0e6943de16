"""Relief stock in a warehouse (救灾物资储备库): receipts, with no I/O.

Reservations (by allocations) and issues (by deliveries) are counted on the ``stock`` guard row in
the command's transaction; the warehouse stream records what came in."""

from __future__ import annotations

from dataclasses import dataclass, field

from minzheng_kernel.errors import DomainError
from minzheng_kernel.events import DomainEvent

from .events import StockReceived
from .incident import MAX_QUANTITY


@dataclass(frozen=True, slots=True)
class Warehouse:
    received: dict[str, int] = field(default_factory=dict)
    """Everything ever received, per item."""


def evolve(state: Warehouse, event: DomainEvent) -> Warehouse:
    if isinstance(event, StockReceived):
        return Warehouse({**state.received, event.item: state.received.get(event.item, 0) + event.quantity})
    return state


def receive(state: Warehouse, *, item: str, quantity: int) -> list[DomainEvent]:
    """入库: a receipt adds a positive quantity."""
    if quantity <= 0:
        raise DomainError("negative_quantity", "a receipt adds a positive quantity", field="quantity")
    if quantity > MAX_QUANTITY:
        raise DomainError("quantity_too_large", f"a receipt adds at most {MAX_QUANTITY}", field="quantity")
    return [StockReceived(item, quantity)]
