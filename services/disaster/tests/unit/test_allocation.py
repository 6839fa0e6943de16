"""Allocations per warehouse and what a delivery draws from them (oldest first), property-tested:
stock and reservations stay consistent for any sequence of receipts, allocations and deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_disaster.application.streams import INCIDENT
from minzheng_disaster.domain import incident, warehouse
from minzheng_disaster.domain.allocation import Source, draw, draw_item
from minzheng_disaster.domain.events import DisasterReported
from minzheng_kernel.errors import Conflict, DomainError

T0 = datetime(2026, 7, 14, 6, 0, tzinfo=UTC)
REPORTED = DisasterReported("i", "flood", ["330727101"], T0.isoformat(), T0.isoformat(), "r", None)
KNOWN = INCIDENT.apply(INCIDENT.initial(), [REPORTED])


def test_ten_tents_from_each_of_two_warehouses_deliver_fifteen_oldest_first() -> None:
    sources = [Source("tent", "b", T0 + timedelta(minutes=5), 10), Source("tent", "a", T0, 10)]
    assert draw(sources, {"tent": 15}, at=T0 + timedelta(hours=1)) == {"a": {"tent": 10}, "b": {"tent": 5}}
    assert draw_item(sources, "tent", 4, at=T0 + timedelta(hours=1)) == {"a": 4}
    with pytest.raises(Conflict) as over:
        draw(sources, {"tent": 21}, at=T0 + timedelta(hours=1))
    assert over.value.code == "over_allocation"
    # at T0 + 1 min only a's allocation existed: 15 cannot have been handed out then
    with pytest.raises(DomainError) as early:
        draw(sources, {"tent": 15}, at=T0 + timedelta(minutes=1))
    assert early.value.code == "delivered_before_allocation" and early.value.field == "delivered_at"


@dataclass
class Ledger:
    """The guard rows as a pure model: stock per (warehouse, item), allocations per (incident, item,
    warehouse); every change goes through the domain's decisions."""

    received: dict[tuple[str, str], int] = field(default_factory=dict)
    on_hand: dict[tuple[str, str], int] = field(default_factory=dict)
    reserved: dict[tuple[str, str], int] = field(default_factory=dict)
    allocated: dict[tuple[str, str, str], int] = field(default_factory=dict)
    delivered: dict[tuple[str, str, str], int] = field(default_factory=dict)
    since: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    issued: dict[tuple[str, str], int] = field(default_factory=dict)

    def receive(self, w: str, item: str, quantity: int) -> None:
        warehouse.receive(warehouse.Warehouse(), item=item, quantity=quantity)
        for book in (self.received, self.on_hand):
            book[w, item] = book.get((w, item), 0) + quantity

    def allocate(self, inc: str, w: str, item: str, quantity: int, at: datetime) -> None:
        available = {item: self.on_hand.get((w, item), 0) - self.reserved.get((w, item), 0)}
        incident.allocate(
            KNOWN, inc, document="d", cash_fen=0, items={item: quantity}, warehouse=w, available=available
        )
        self.reserved[w, item] = self.reserved.get((w, item), 0) + quantity
        self.allocated[inc, item, w] = self.allocated.get((inc, item, w), 0) + quantity
        self.since.setdefault((inc, item, w), at)

    def deliver(self, inc: str, item: str, quantity: int, at: datetime) -> None:
        sources = [
            Source(i, w, self.since[inc, i, w], n - self.delivered.get((inc, i, w), 0))
            for (c, i, w), n in self.allocated.items()
            if c == inc
        ]
        for w, parts in draw(sources, {item: quantity}, at=at).items():
            for i, n in parts.items():
                self.delivered[inc, i, w] = self.delivered.get((inc, i, w), 0) + n
                self.on_hand[w, i] -= n
                self.reserved[w, i] -= n
                self.issued[w, i] = self.issued.get((w, i), 0) + n

    def check(self) -> None:
        for key, on_hand in self.on_hand.items():
            reserved = self.reserved.get(key, 0)
            assert 0 <= reserved <= on_hand, key
            w, item = key
            outstanding = sum(
                n - self.delivered.get((c, i, ww), 0)
                for (c, i, ww), n in self.allocated.items()
                if (i, ww) == (item, w)
            )
            assert reserved == outstanding, key
            assert on_hand == self.received[key] - self.issued.get(key, 0), key
        for key, n in self.delivered.items():
            assert 0 <= n <= self.allocated[key], key


WAREHOUSES = st.sampled_from(["a", "b", "c"])
ITEMS = st.sampled_from(["tent", "quilt"])
INCIDENTS = st.sampled_from(["i1", "i2"])
STEP = st.one_of(
    st.tuples(st.just("receive"), WAREHOUSES, ITEMS, st.integers(-2, 20)),
    st.tuples(st.just("allocate"), INCIDENTS, WAREHOUSES, ITEMS, st.integers(-2, 20)),
    st.tuples(st.just("deliver"), INCIDENTS, ITEMS, st.integers(-2, 30), st.integers(0, 40)),
)


@given(st.lists(STEP, max_size=40))
def test_stock_and_reservations_stay_consistent(steps: list[tuple]) -> None:  # type: ignore[type-arg]
    ledger = Ledger()
    for n, step in enumerate(steps):
        now = T0 + timedelta(minutes=n)
        try:
            match step:
                case ("receive", w, item, quantity):
                    ledger.receive(w, item, quantity)
                case ("allocate", inc, w, item, quantity):
                    ledger.allocate(inc, w, item, quantity, now)
                case ("deliver", inc, item, quantity, back):
                    ledger.deliver(inc, item, quantity, now - timedelta(minutes=back))
        except DomainError:
            pass  # refused: nothing changed
        ledger.check()
