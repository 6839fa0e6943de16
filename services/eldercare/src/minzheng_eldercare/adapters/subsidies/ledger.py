"""The subsidy ledger (补助资金台账): one row per payment (``eldercare_subsidies``), the centres'
and the private institutions'; folded from the payment streams, dropped and rebuilt at will."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ...application.centres.streams import PAYMENT_TYPE as CENTRE_PAYMENTS
from ...application.subsidies.payments import PAYMENT_TYPE as PRIVATE_PAYMENTS
from ...application.subsidies.reads import NAME, TABLE, Kind
from ...domain.centres import subsidies as s
from ...domain.subsidies import private as p

STREAM_TYPES = [CENTRE_PAYMENTS, PRIVATE_PAYMENTS]

MIGRATION = Migration(
    "0203_eldercare_subsidies_ledger",
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        payment_id text PRIMARY KEY, kind text NOT NULL, beneficiary text NOT NULL,
        division text NOT NULL, reference text NOT NULL, amount_fen bigint NOT NULL,
        paid_on date NOT NULL, round_id text, standard_ids text[] NOT NULL);
    CREATE INDEX IF NOT EXISTS {TABLE}_paid_on ON {TABLE} (paid_on, kind);
    CREATE INDEX IF NOT EXISTS {TABLE}_round ON {TABLE} (round_id, kind);
    """,
)

_INSERT = f"""INSERT INTO {TABLE} (payment_id, kind, beneficiary, division, reference, amount_fen,
        paid_on, round_id, standard_ids)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING"""


def _centre(e: s.CareCentreSubsidyPaid, w: RowWrites) -> None:
    paid_on = date.fromisoformat(e.paid_on)
    w.add(
        _INSERT,
        e.payment_id,
        e.kind,
        e.centre_id,
        e.division,
        e.reference,
        e.amount_fen,
        paid_on,
        e.round_id,
        [],
    )


def _private(e: p.PrivateInstitutionSubsidyPaid, w: RowWrites) -> None:
    w.add(
        _INSERT,
        e.payment_id,
        Kind.PRIVATE_INSTITUTION.value,
        e.institution_id,
        e.township,
        e.month,
        e.total_fen,
        date.fromisoformat(e.paid_on),
        None,
        [line["standard_id"] for line in e.lines],
    )


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        if event.event_type == "CareCentreSubsidyPaid":
            fact = s.PAYMENT_EVENTS.load(event.event_type, event.data)
            assert isinstance(fact, s.CareCentreSubsidyPaid)
            _centre(fact, writes)
        elif event.event_type == "PrivateInstitutionSubsidyPaid":
            private = p.PRIVATE_EVENTS.load(event.event_type, event.data)
            assert isinstance(private, p.PrivateInstitutionSubsidyPaid)
            _private(private, writes)
    await writes.apply(conn)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {TABLE}")


__all__ = ["MIGRATION", "NAME", "STREAM_TYPES", "TABLE", "project", "reset"]
