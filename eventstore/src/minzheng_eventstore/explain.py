"""The rule behind an amount (金额依据): for a payment event (by its event id, or by the payment's
``payment_id``), the standards it was paid under, the inputs it was decided on and the decision
events behind it.

- **the standards**: every ``standard_id`` the payment carries (``<parameter>:<jurisdiction>:
  <effective_from>``, a back-payment's months too), each with the ``StandardSet`` event that set it
  and its value *then* (the last one recorded before the payment), and the standards of the same
  parameter and place recorded since (a raise, a correction): what changed after;
- **the causation chain**: the event that caused the payment, the one that caused that, and so
  on (``causation_id``, in this service's store), up to ``CHAIN_DEPTH``;
- **the decision events**: the events, recorded before the payment, of the streams the payment
  names by id (``household_id``, ``entitlement_id``, ``case_id``, ``elder_id``…: a stream whose id
  ends with ``-<id>``), and their inputs: the last value of each field an amount is decided on
  (members, income, band, grade, category…) as those events and the payment carry them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from minzheng_kernel.errors import NotFound

from .history import entry
from .model import RecordedEvent
from .store import Connection, EventStore

CHAIN_DEPTH = 20
DECISION_EVENTS = 500
_COLUMNS = (
    "stream_id, stream_type, version, position, tx::text::bigint AS tx, event_id, event_type, "
    "schema_version, data::text AS data, occurred_at, recorded_at, correlation_id, causation_id, "
    "traceparent, actor, jurisdiction"
)
_INPUT = re.compile(
    r"member|income|band|grade|category|programme|level|size|age|disab|kind|period|nature|^key$"
)
_NOT_A_SUBJECT = frozenset({"payment_id", "standard_id", "run_id"})
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{2,120}$")


@dataclass(frozen=True, slots=True)
class StandardUsed:
    standard_id: str
    value_then: int | None
    set_by: RecordedEvent | None
    since: list[RecordedEvent] = field(default_factory=list)
    """``StandardSet`` events of the same parameter and place recorded after the payment."""
    source: str = "event"
    """``event`` (its ``StandardSet``), ``table`` (a row loaded by a tool with no event: its value
    from the ``standards`` table) or ``unknown``."""

    def as_json(self) -> dict[str, Any]:
        parameter, _, rest = self.standard_id.partition(":")
        jurisdiction, _, effective_from = rest.partition(":")
        return {
            "standard_id": self.standard_id,
            "parameter": parameter,
            "jurisdiction": jurisdiction,
            "effective_from": effective_from,
            "value_then": self.value_then,
            "source": self.source,
            "set_by": None if self.set_by is None else entry(self.set_by),
            "since": [entry(e) for e in self.since],
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    payment: RecordedEvent
    standards: list[StandardUsed]
    causes: list[RecordedEvent]
    decisions: list[RecordedEvent]
    inputs: dict[str, Any]

    @property
    def amount_fen(self) -> int | None:
        for key in ("amount_fen", "paid_fen", "total_fen"):
            value = self.payment.data.get(key)
            if isinstance(value, int):
                return value
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "payment": entry(self.payment),
            "amount_fen": self.amount_fen,
            "standards": [s.as_json() for s in self.standards],
            "inputs": self.inputs,
            "causes": [entry(e) for e in self.causes],
            "decisions": [entry(e, data=True) for e in self.decisions],
        }


def standard_ids(data: Any) -> list[str]:
    """Every ``standard_id`` value in an event's data, nested ones too, in order, once each."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "standard_id" and isinstance(item, str) and item not in found:
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


def subject_ids(data: dict[str, Any]) -> list[str]:
    """The ids a payment names its subjects by (``*_id`` fields but its own, the standard's, the run's)."""
    return [
        value
        for key, value in data.items()
        if key.endswith("_id") and key not in _NOT_A_SUBJECT and isinstance(value, str) and _ID.match(value)
    ]


def inputs_of(events: list[RecordedEvent], payment: RecordedEvent) -> dict[str, Any]:
    """The last value of each input field, the decision events' first, the payment's own last."""
    inputs: dict[str, Any] = {}
    for event in [*events, payment]:
        for key, value in event.data.items():
            if _INPUT.search(key):
                inputs[key] = value
    return inputs


class _Reader:
    def __init__(self, store: EventStore, conn: Connection) -> None:
        self.store, self.conn = store, conn

    async def rows(self, where: str, *args: Any) -> list[RecordedEvent]:
        sql = f"SELECT {_COLUMNS} FROM events WHERE {where} ORDER BY events.tx, events.position"
        return [self.store._decode(r) for r in await self.conn.fetch(sql, *args)]


async def find_payment(reader: _Reader, ref: str) -> RecordedEvent:
    try:
        by_id = await reader.rows("event_id = $1", UUID(ref))
    except ValueError:
        by_id = []
    if by_id:
        return by_id[0]
    found = await reader.rows(
        "data ->> 'payment_id' = $1 AND (data ? 'amount_fen' OR data ? 'paid_fen')", ref
    )
    if not found:
        raise NotFound(
            "payment_not_found", "no payment event with this event id or payment id", field="payment"
        )
    return found[-1]


async def _standard(reader: _Reader, standard_id: str, payment: RecordedEvent) -> StandardUsed:
    sets = await reader.rows("event_type = 'StandardSet' AND data ->> 'standard_id' = $1", standard_id)
    before = [e for e in sets if (e.tx, e.position) < (payment.tx, payment.position)]
    set_by = before[-1] if before else None
    value = set_by.data.get("value") if set_by is not None else None
    parameter, _, rest = standard_id.partition(":")
    jurisdiction = rest.partition(":")[0]
    prefix = f"{parameter}:{jurisdiction}:"
    later = await reader.rows(
        "event_type = 'StandardSet' AND left(data ->> 'standard_id', $1) = $2 "
        "AND (tx, position) > ($3::text::xid8, $4::bigint)",
        len(prefix),
        prefix,
        str(payment.tx),
        payment.position,
    )
    if set_by is not None:
        return StandardUsed(standard_id, value if isinstance(value, int) else None, set_by, later)
    row = await _table_value(reader.conn, parameter, jurisdiction, rest.partition(":")[2])
    return StandardUsed(standard_id, row, None, later, "unknown" if row is None else "table")


async def _table_value(
    conn: Connection, parameter: str, jurisdiction: str, effective_from: str
) -> int | None:
    """The value of a standard loaded without its event (a service's national figures), from the
    service's ``standards`` table, if it has one."""
    try:
        on = date.fromisoformat(effective_from)
    except ValueError:
        return None
    try:
        async with conn.transaction():  # a savepoint: a service with no such table answers None
            value = await conn.fetchval(
                "SELECT value FROM standards WHERE parameter = $1 AND jurisdiction = $2 "
                "AND effective_from = $3",
                parameter,
                jurisdiction,
                on,
            )
    except asyncpg.UndefinedTableError:
        return None
    return None if value is None else int(value)


async def _causes(reader: _Reader, payment: RecordedEvent) -> list[RecordedEvent]:
    chain: list[RecordedEvent] = []
    cause = payment.causation_id
    while cause is not None and len(chain) < CHAIN_DEPTH:
        found = await reader.rows("event_id = $1", cause)
        if not found or found[0] in chain:
            break
        chain.append(found[0])
        cause = found[0].causation_id
    return chain


async def _decisions(reader: _Reader, payment: RecordedEvent) -> list[RecordedEvent]:
    subjects = subject_ids(payment.data)
    if not subjects:
        return []
    ends = [f"-{s}" for s in subjects]
    return (
        await reader.rows(
            "(stream_id = ANY($1::text[]) OR "
            "right(stream_id, length(stream_id) - strpos(stream_id, '-') + 1) = ANY($2::text[])) "
            "AND stream_id <> $3 AND (tx, position) < ($4::text::xid8, $5::bigint)",
            subjects,
            ends,
            payment.stream_id,
            str(payment.tx),
            payment.position,
        )
    )[-DECISION_EVENTS:]


async def explain(store: EventStore, ref: str) -> Explanation:
    """Explain the payment ``ref`` (an event id or a payment id); 404 ``payment_not_found``."""
    async with store.pool.acquire() as conn:
        reader = _Reader(store, conn)
        payment = await find_payment(reader, ref)
        standards = [await _standard(reader, s, payment) for s in standard_ids(payment.data)]
        causes = await _causes(reader, payment)
        decisions = await _decisions(reader, payment)
    return Explanation(payment, standards, causes, decisions, inputs_of(decisions, payment))


__all__ = ["Explanation", "StandardUsed", "explain", "inputs_of", "standard_ids", "subject_ids"]
