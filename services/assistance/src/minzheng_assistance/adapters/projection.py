"""Read models folded from the service's own events (households, 特困 cases, payments)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from .schema import READ_MODEL_TABLES

_STATUS = {
    "PublicNoticePosted": "notice",
    "ApprovalGranted": "active",
    "ApplicationRejected": "rejected",
    "BenefitSuspended": "suspended",
    "BenefitResumed": "active",
    "BenefitWithdrawn": "withdrawn",
    "BenefitTerminated": "terminated",
}


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        handler = _HANDLERS.get(event.stream_type)
        if handler is not None:
            handler(event, writes)
    await writes.apply(conn)


def _household(event: RecordedEvent, w: RowWrites) -> None:
    d: dict[str, Any] = event.data
    hid = event.stream_id.removeprefix("household-")
    if event.event_type == "HouseholdApplied":
        w.add(
            """INSERT INTO households (household_id, programme, category, status, residence, township,
                   persons,
                   official_relative, applied_at, updated_at)
               VALUES ($1, $2, $3, 'reviewing', $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING""",
            hid,
            d["programme"],
            "urban" if d["programme"] == "dibao_urban" else "rural",
            d["residence"],
            d["residence"][:9],
            len(d["members"]),
            d["official_relative"],
            event.occurred_at,
        )
        return
    if event.event_type in _STATUS:
        w.add(
            "UPDATE households SET status = $2, updated_at = $3 WHERE household_id = $1",
            hid,
            _STATUS[event.event_type],
            event.occurred_at,
        )
    if event.event_type == "PublicNoticePosted":
        w.add(
            "UPDATE households SET notice_ends_at = $2 WHERE household_id = $1",
            hid,
            datetime.fromisoformat(d["ends_at"]),
        )
    elif event.event_type == "ObjectionRaised":
        w.add("UPDATE households SET open_objections = open_objections + 1 WHERE household_id = $1", hid)
    elif event.event_type == "ObjectionResolved":
        w.add("UPDATE households SET open_objections = open_objections - 1 WHERE household_id = $1", hid)
    elif event.event_type in ("ApprovalGranted", "AmountChanged"):
        basis = {
            "effective_from": d["effective_from"],
            "members": d["member_count"],
            "per_capita_income_fen": d["per_capita_income_fen"],
        }
        w.add(
            """UPDATE households SET bases = bases || $2::jsonb, monthly_amount_fen = $3, standard_id = $4,
                   persons = $5 WHERE household_id = $1""",
            hid,
            json.dumps([basis]),
            d["monthly_amount_fen"],
            d["standard_id"],
            d["member_count"],
        )
    elif event.event_type == "MemberDeceased":
        w.add("UPDATE households SET recheck_due = true WHERE household_id = $1", hid)
    elif event.event_type == "RecheckCompleted":
        w.add("UPDATE households SET recheck_due = false WHERE household_id = $1", hid)


def _tekun(event: RecordedEvent, w: RowWrites) -> None:
    case = event.stream_id.removeprefix("tekun-")
    d = event.data
    if event.event_type == "TekunSupportConfirmed":
        w.add(
            "INSERT INTO tekun_cases (case_id, residence, mode, active) VALUES ($1, $2, $3, true) "
            "ON CONFLICT DO NOTHING",
            case,
            d["residence"],
            d["mode"],
        )
    elif event.event_type == "SupportModeChanged":
        w.add("UPDATE tekun_cases SET mode = $2 WHERE case_id = $1", case, d["to"])
    elif event.event_type == "TekunSupportEnded":
        w.add("UPDATE tekun_cases SET active = false WHERE case_id = $1", case)


def _payment(event: RecordedEvent, w: RowWrites) -> None:
    d = event.data
    w.add(
        """INSERT INTO payments (payment_id, programme, household_id, case_id, period, amount_fen,
               standard_id, run_id, residence, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING""",
        d["payment_id"],
        d["programme"],
        d.get("household_id"),
        d.get("case_id"),
        d.get("period"),
        d["amount_fen"],
        d["standard_id"],
        d.get("run_id"),
        d.get("residence"),
        event.occurred_at,
    )


def _one_off(event: RecordedEvent, w: RowWrites) -> None:
    d = event.data
    if event.event_type == "TemporaryAidGranted":
        programme, amount = "temporary_aid", d["amount_fen"]
    elif event.event_type == "MedicalAidPaid" and d["paid_fen"] > 0:
        programme, amount = "medical_aid", d["paid_fen"]
    else:
        return
    w.add(
        """INSERT INTO payments (payment_id, programme, amount_fen, standard_id, residence, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        event.event_id,
        programme,
        amount,
        d["standard_id"],
        d["residence"],
        event.occurred_at,
    )


_HANDLERS = {
    "household": _household,
    "tekun": _tekun,
    "payment": _payment,
    "temporary_aid": _one_off,
    "medical": _one_off,
}
STREAM_TYPES = list(_HANDLERS)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {', '.join(READ_MODEL_TABLES)}")
