"""The pension ledger (抚恤事业费台账): every month paid, by entitlement, category and township.

One row per month paid: a monthly pension is one row (``line_id`` = its payment id), a
back-payment one row per month it makes up (``<payment id>:<YYYY-MM>``, ``kind`` backpay). What
a month of an entitlement has been paid is the sum of its rows; what the province consumes is the
sum by month and category. A read model: dropped and rebuilt from the payment events at will.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.store import Connection

from ...application.pensions.ledger_reads import NAME, TABLE
from ...domain.pensions.events import PENSION_EVENTS, PensionBackPaid, PensionPaid

STREAM_TYPES = ["payment"]

MIGRATIONS = [
    Migration(
        "pensions_0001_ledger",
        f"""
        -- 抚恤事业费台账: one row per entitlement and month paid (a back-payment: one per month)
        CREATE TABLE {TABLE} (
            line_id text PRIMARY KEY, payment_id uuid NOT NULL, kind text NOT NULL,
            entitlement_id text NOT NULL, category text NOT NULL, period text NOT NULL,
            amount_fen bigint NOT NULL, standard_id text NOT NULL, run_id uuid,
            residence text NOT NULL, township text NOT NULL, issued_at timestamptz NOT NULL);
        CREATE INDEX {TABLE}_entitlement ON {TABLE} (entitlement_id, period);
        CREATE INDEX {TABLE}_period ON {TABLE} (period, category);
        """,
    )
]

_INSERT = f"""INSERT INTO {TABLE} (line_id, payment_id, kind, entitlement_id, category, period,
        amount_fen, standard_id, run_id, residence, township, issued_at)
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
        $7::bigint[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::timestamptz[])
    ON CONFLICT DO NOTHING"""
"""A batch's lines in one statement (a payment run's 20,000 lines: 20 statements, not 20,000
executions); a line already there (the batch applied again) is left as it is."""

Line = tuple[Any, ...]


def _paid(event: RecordedEvent, e: PensionPaid) -> list[Line]:
    return [
        (
            e.payment_id,
            e.payment_id,
            "monthly",
            e.entitlement_id,
            e.category,
            e.period,
            e.amount_fen,
            e.standard_id,
            e.run_id,
            e.residence,
            e.residence[:9],
            event.occurred_at,
        )
    ]


def _back_paid(event: RecordedEvent, e: PensionBackPaid) -> list[Line]:
    return [
        (
            f"{e.payment_id}:{month['period']}",
            e.payment_id,
            "backpay",
            e.entitlement_id,
            e.category,
            month["period"],
            month["due_fen"] - month["paid_fen"],
            month["standard_id"],
            e.run_id,
            e.residence,
            e.residence[:9],
            event.occurred_at,
        )
        for month in e.months
    ]


_HANDLERS: dict[str, Callable[[RecordedEvent, Any], list[Line]]] = {
    "PensionPaid": _paid,
    "PensionBackPaid": _back_paid,
}


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    lines: list[Line] = []
    for event in events:
        handler = _HANDLERS.get(event.event_type)
        if handler is not None:
            lines.extend(handler(event, PENSION_EVENTS.load(event.event_type, event.data)))
    if lines:
        await conn.execute(_INSERT, *(list(column) for column in zip(*lines, strict=True)))


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {TABLE}")


__all__ = ["MIGRATIONS", "NAME", "STREAM_TYPES", "TABLE", "project", "reset"]
