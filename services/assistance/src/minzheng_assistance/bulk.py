"""Bulk set-up for the payment-run benchmark and the crash test: many approved households at once.

The households are written as the events the normal commands would have produced (applied, four
review steps passed, notice, approval), in batches of ``create_streams_once``: set-up speed is not
what is measured.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore import EventMetadata, EventStore, NewEvent
from minzheng_kernel.events import DomainEvent

from .domain import events as ev

NS = uuid.UUID("5b0e9a8e-7f51-4c1c-9d1d-4f8e2f0b6c33")


def household_id(n: int) -> uuid.UUID:
    return uuid.uuid5(NS, f"bulk-{n}")


async def seed_approved_households(
    store: EventStore,
    count: int,
    *,
    village: str = "330727101201",
    start: int = 0,
    batch: int = 2000,
    standard_fen: int = 35_200,
    income_fen: int = 30_000,
) -> None:
    """``count`` approved rural households of two (one income of ``income_fen``), effective 2026-01."""
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    async with store.pool.acquire() as conn:  # the standard the households were approved under
        await conn.execute(
            "INSERT INTO standards (parameter, jurisdiction, effective_from, value) "
            "VALUES ('dibao_rural', $1, '2014-01-01', $2) ON CONFLICT DO NOTHING",
            village[:6],
            standard_fen,
        )
    meta = EventMetadata(actor="bulk-seed", jurisdiction=village)
    streams: list[tuple[str, list[NewEvent]]] = []
    for n in range(start, start + count):
        hid = household_id(n)
        head = make_resident_id(village[:6], date(1950 + n % 50, 1 + n % 12, 1 + n % 28), n % 1000).reveal()
        child = make_resident_id(village[:6], date(2010, 1 + n % 12, 1 + n % 28), n % 1000).reveal()
        hid_text = str(hid)
        per_capita = income_fen // 2
        members: list[ev.MemberData] = [
            {
                "resident_id": head,
                "relationship": "self",
                "monthly_income_fen": income_fen,
                "employment": "unemployed",
            },
            {"resident_id": child, "relationship": "child", "monthly_income_fen": 0, "employment": "student"},
        ]
        facts: list[DomainEvent] = [
            ev.HouseholdApplied(hid_text, "dibao_rural", village, False, at.isoformat(), members),
            *[
                ev.ReviewStepRecorded(hid_text, "dibao_rural", s, True, "bulk-caseworker", "")
                for s in ("investigation", "economic_check", "appraisal", "township_review")
            ],
            ev.PublicNoticePosted(
                hid_text, "dibao_rural", at.isoformat(), (at + timedelta(days=7)).isoformat(), "bulk"
            ),
            ev.ApprovalGranted(
                hid_text,
                "dibao_rural",
                category="rural",
                classification=None,
                member_count=2,
                per_capita_income_fen=per_capita,
                standard_id=f"dibao_rural:{village[:6]}:2014-01-01",
                standard_monthly_fen=standard_fen,
                monthly_amount_fen=(standard_fen - per_capita) * 2,
                effective_from="2026-01",
                approved_by="bulk-approver",
            ),
        ]
        streams.append(
            (
                f"household-{hid}",
                [
                    NewEvent(event_type=f.event_type, data=f.to_data(), occurred_at=at, metadata=meta)
                    for f in facts
                ],
            )
        )
        if len(streams) >= batch:
            await store.create_streams_once("household", streams)
            streams.clear()
    if streams:
        await store.create_streams_once("household", streams)
