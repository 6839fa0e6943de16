"""The allowance ledger (高龄津贴发放台账): every payment (a month's, or a year's naming its months)
and every overpayment recorded, by elder and township. A read model: dropped and rebuilt from the
payment and overpayment events at will."""

from __future__ import annotations

import json
from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ...application.payments.ledger_reads import NAME, OVERPAYMENTS, PAYMENTS
from ...domain.payments.events import PAYMENT_EVENTS, AllowancePaid, OverpaymentRecorded

STREAM_TYPES = ["payment", "overpayment"]

MIGRATIONS = [
    Migration(
        "payments_0002_ledger",
        f"""
        CREATE TABLE {PAYMENTS} (
            payment_id uuid PRIMARY KEY, elder_id text NOT NULL, allowance_id text NOT NULL,
            key text NOT NULL, mode text NOT NULL, band text NOT NULL, amount_fen bigint NOT NULL,
            standard_id text NOT NULL, months jsonb NOT NULL, run_id uuid, residence text NOT NULL,
            township text NOT NULL, beneficiary text NOT NULL, issued_at timestamptz NOT NULL);
        CREATE INDEX {PAYMENTS}_key ON {PAYMENTS} (key, elder_id);
        CREATE INDEX {PAYMENTS}_elder ON {PAYMENTS} (elder_id, key);
        CREATE TABLE {OVERPAYMENTS} (
            overpayment_id uuid PRIMARY KEY, elder_id text NOT NULL, allowance_id text NOT NULL,
            payment_id uuid NOT NULL, key text NOT NULL, months jsonb NOT NULL,
            amount_fen bigint NOT NULL, last_period text NOT NULL, reason text NOT NULL, died_on text,
            residence text NOT NULL, recorded_at timestamptz NOT NULL);
        CREATE INDEX {OVERPAYMENTS}_elder ON {OVERPAYMENTS} (elder_id);
        """,
    )
]

_PAID = f"""INSERT INTO {PAYMENTS} (payment_id, elder_id, allowance_id, key, mode, band, amount_fen,
        standard_id, months, run_id, residence, township, beneficiary, issued_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING"""
_OVERPAID = f"""INSERT INTO {OVERPAYMENTS} (overpayment_id, elder_id, allowance_id, payment_id, key,
        months, amount_fen, last_period, reason, died_on, residence, recorded_at)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING"""


def _paid(event: RecordedEvent, e: AllowancePaid, w: RowWrites) -> None:
    w.add(
        _PAID,
        e.payment_id,
        e.elder_id,
        e.allowance_id,
        e.key,
        e.mode,
        e.band,
        e.amount_fen,
        e.standard_id,
        json.dumps([m["period"] for m in e.months]),
        e.run_id,
        e.residence,
        e.residence[:9],
        e.beneficiary,
        event.occurred_at,
    )


def _overpaid(event: RecordedEvent, e: OverpaymentRecorded, w: RowWrites) -> None:
    w.add(
        _OVERPAID,
        e.overpayment_id,
        e.elder_id,
        e.allowance_id,
        e.payment_id,
        e.key,
        json.dumps(e.months),
        e.amount_fen,
        e.last_period,
        e.reason,
        e.died_on,
        e.residence,
        event.occurred_at,
    )


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        fact: Any = PAYMENT_EVENTS.maybe_load(event.event_type, event.data)
        if isinstance(fact, AllowancePaid):
            _paid(event, fact, writes)
        elif isinstance(fact, OverpaymentRecorded):
            _overpaid(event, fact, writes)
    await writes.apply(conn)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {PAYMENTS}, {OVERPAYMENTS}")


__all__ = ["MIGRATIONS", "NAME", "STREAM_TYPES", "project", "reset"]
