"""The rule behind an amount (金额依据): for a payment event (by its event id, or by the payment's
``payment_id``), the standards it was paid under, the inputs it was decided on and the decision
events behind it.

- **the standards**: every ``standard_id`` the payment carries (``<parameter>:<jurisdiction>:
  <effective_from>``, a back-payment's months too), each with the ``StandardSet`` event that set it
  and its value *then* (the last one recorded before the payment), and the standards of the same
  parameter and place recorded since (a raise, a correction): what changed after;
- **the causation chain**: the event that caused the payment, the one that caused that, and so
  on (``causation_id``, in this service's store), up to ``CHAIN_DEPTH``;
- **the decision events** and **the inputs**. A service declares how each kind of its payments is
  decided (``PaymentRule``, registered with ``declare_payments`` beside its definition): the streams
  the amount was decided in (``household-{household_id}``), the event types that decide it with
  the fields of each that are inputs (members, income, band, grade…), the field from which such a
  decision holds (``effective_from``: a decision recorded before the payment but holding only from
  a later month is not behind it), and the rule's formula, recomputed from the inputs and the
  standards' values then (``recomputed_fen``: equal to the amount, or the auditor has a finding).
  Each input names the event it was taken from (``input_events``).

  A payment no service declared is explained by a heuristic: the events, recorded before it, of
  the streams it names by id (``household_id``, ``entitlement_id``, ``case_id``, ``elder_id``…: a
  stream whose id ends with ``-<id>``), and the last value of each field whose name looks like an
  input (``_INPUT``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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
class Decision:
    """An event type a payment's amount is decided by, and the fields of it that are inputs: a
    field's name, or ``name=field`` to show the field under another name (``mode=to``)."""

    event_type: str
    inputs: tuple[str, ...] = ()
    match: tuple[str, ...] = ()
    """Fields it shares with the payment: the event counts only where they are equal (the
    allocation a relief payment was drawn from, by its ``document``)."""

    def counts_for(self, event: RecordedEvent, payment: RecordedEvent) -> bool:
        return all(event.data.get(f) == payment.data.get(f) for f in self.match)


Recompute = Callable[[Mapping[str, Any], Sequence[int | None]], int | None]
"""``recompute(inputs, values)``: the amount from the inputs and the standards' values then (in the
order the payment names them), ``None`` when it cannot be said."""


@dataclass(frozen=True, slots=True)
class PaymentRule:
    """How a service explains one kind of its payments (its declaration for ``explain``)."""

    event_type: str
    """The payment's event type (``PaymentIssued``)."""
    streams: tuple[str, ...]
    """The streams the amount was decided in, formatted with the payment's data and ``stream``
    (its own stream): ``household-{household_id}``; one naming a field the payment lacks is skipped."""
    decisions: tuple[Decision, ...]
    programmes: tuple[str, ...] = ()
    """The payment's ``programme`` values the rule covers (empty: every payment of the type)."""
    where: tuple[tuple[str, Any], ...] = ()
    """Further ``(field, value)`` the payment's data must hold to be covered (``("mode", "monthly")``)."""
    amount: str = "amount_fen"
    payment_inputs: tuple[str, ...] = ()
    """The payment's own fields that are inputs (the month, the place)."""
    effective: str = ""
    """The field of a decision from which it holds (``effective_from``, ``YYYY-MM``)…"""
    period: str = ""
    """…and the payment's field of the month paid: a decision holding only from a later month than
    the payment's is not behind it (a recheck recorded before a back payment of an earlier month)."""
    formula: str = ""
    """The rule, in words (``(standard − per-capita income) × members``)."""
    recompute: Recompute | None = None

    def covers(self, payment: RecordedEvent) -> bool:
        if payment.event_type != self.event_type:
            return False
        if any(payment.data.get(key) != value for key, value in self.where):
            return False
        return not self.programmes or payment.data.get("programme") in self.programmes

    def stream_ids(self, payment: RecordedEvent) -> list[str]:
        values = {**payment.data, "stream": payment.stream_id}
        found: list[str] = []
        for template in self.streams:
            names = _fields(template)
            if any(values.get(name) in (None, "") for name in names):
                continue
            stream = template.format_map({name: values[name] for name in names})
            if stream not in found:
                found.append(stream)
        return found

    def holds_for(self, event: RecordedEvent, payment: RecordedEvent) -> bool:
        if not self.effective or not self.period:
            return True
        since, paid = event.data.get(self.effective), payment.data.get(self.period)
        return not (isinstance(since, str) and since and isinstance(paid, str) and since > paid)


def _fields(template: str) -> list[str]:
    return re.findall(r"{([A-Za-z_][A-Za-z0-9_]*)}", template)


_DECLARED: dict[str, tuple[PaymentRule, ...]] = {}


def declare_payments(service: str, *rules: PaymentRule) -> tuple[PaymentRule, ...]:
    """Declare how ``service``'s payments are explained (called beside its definition, at import);
    the auditor's ``explain`` of that service uses them. Declaring again replaces the rules."""
    _DECLARED[service] = tuple(rules)
    return _DECLARED[service]


def declared_payments(service: str) -> tuple[PaymentRule, ...]:
    """The rules ``service`` declared (none: every payment explained by the heuristic)."""
    return _DECLARED.get(service, ())


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
    input_events: dict[str, str] = field(default_factory=dict)
    """Of each input, the event it was taken from (its id)."""
    rule: PaymentRule | None = None
    """The service's declaration the payment was explained by (``None``: the heuristic)."""

    @property
    def amount_fen(self) -> int | None:
        keys = (self.rule.amount,) if self.rule is not None else ("amount_fen", "paid_fen", "total_fen")
        for key in keys:
            value = self.payment.data.get(key)
            if isinstance(value, int):
                return value
        return None

    @property
    def recomputed_fen(self) -> int | None:
        """The amount by the declared rule from the inputs and the standards' values then."""
        if self.rule is None or self.rule.recompute is None:
            return None
        try:
            return self.rule.recompute(self.inputs, [s.value_then for s in self.standards])
        except (KeyError, TypeError, ValueError):  # an input or a value missing: it cannot be said
            return None

    def as_json(self) -> dict[str, Any]:
        return {
            "payment": entry(self.payment),
            "amount_fen": self.amount_fen,
            "declared": self.rule is not None,
            "formula": None if self.rule is None or not self.rule.formula else self.rule.formula,
            "recomputed_fen": self.recomputed_fen,
            "standards": [s.as_json() for s in self.standards],
            "inputs": self.inputs,
            "input_events": self.input_events,
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
    return _heuristic_inputs(events, payment)[0]


def _heuristic_inputs(
    events: list[RecordedEvent], payment: RecordedEvent
) -> tuple[dict[str, Any], dict[str, str]]:
    inputs: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for event in [*events, payment]:
        for key, value in event.data.items():
            if _INPUT.search(key):
                inputs[key] = value
                sources[key] = str(event.event_id)
    return inputs, sources


def declared_inputs(
    rule: PaymentRule, events: list[RecordedEvent], payment: RecordedEvent
) -> tuple[dict[str, Any], dict[str, str]]:
    """The last value of each declared input in the decision events (in the order recorded), then
    the payment's own; with the event each came from."""
    inputs: dict[str, Any] = {}
    sources: dict[str, str] = {}
    by_type = {d.event_type: d for d in rule.decisions}

    def take(event: RecordedEvent, names: Sequence[str]) -> None:
        for spec in names:
            name, _, key = spec.partition("=")
            key = key or name
            if key in event.data:
                inputs[name] = event.data[key]
                sources[name] = str(event.event_id)

    for event in events:
        take(event, by_type[event.event_type].inputs)
    take(payment, rule.payment_inputs)
    return inputs, sources


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


async def _declared_decisions(
    reader: _Reader, payment: RecordedEvent, rule: PaymentRule
) -> list[RecordedEvent]:
    """The events of the declared types in the declared streams, recorded before the payment,
    holding for its month and matching it."""
    streams = rule.stream_ids(payment)
    if not streams:
        return []
    by_type = {d.event_type: d for d in rule.decisions}
    found = await reader.rows(
        "stream_id = ANY($1::text[]) AND event_type = ANY($2::text[]) "
        "AND (tx, position) < ($3::text::xid8, $4::bigint)",
        streams,
        list(by_type),
        str(payment.tx),
        payment.position,
    )
    kept = [e for e in found if by_type[e.event_type].counts_for(e, payment) and rule.holds_for(e, payment)]
    return kept[-DECISION_EVENTS:]


async def explain(store: EventStore, ref: str, rules: Sequence[PaymentRule] = ()) -> Explanation:
    """Explain the payment ``ref`` (an event id or a payment id) by the first of ``rules`` that
    covers it (a service's ``declared_payments``), or by the heuristic; 404 ``payment_not_found``."""
    async with store.pool.acquire() as conn:
        reader = _Reader(store, conn)
        payment = await find_payment(reader, ref)
        rule = next((r for r in rules if r.covers(payment)), None)
        standards = [await _standard(reader, s, payment) for s in standard_ids(payment.data)]
        causes = await _causes(reader, payment)
        if rule is None:
            decisions = await _decisions(reader, payment)
            inputs, sources = _heuristic_inputs(decisions, payment)
        else:
            decisions = await _declared_decisions(reader, payment, rule)
            inputs, sources = declared_inputs(rule, decisions, payment)
    return Explanation(payment, standards, causes, decisions, inputs, sources, rule)


__all__ = [
    "Decision",
    "Explanation",
    "PaymentRule",
    "Recompute",
    "StandardUsed",
    "declare_payments",
    "declared_inputs",
    "declared_payments",
    "explain",
    "inputs_of",
    "standard_ids",
    "subject_ids",
]
