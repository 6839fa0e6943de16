"""Read models folded from the service's own events (households, 特困 cases, payments).

Each stored event with a handler here is loaded as its typed event (``EventTypes.load``) and
handled; the others (review steps, configuration) are skipped without decoding, which keeps a
rebuild fast (it is benchmarked).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ..domain import events as ev
from .schema import READ_MODEL_TABLES

Handler = Callable[[RecordedEvent, Any, RowWrites], None]

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
    load = ev.ALL_EVENTS.load
    for event in events:
        handler = _HANDLERS.get(event.event_type)
        if handler is not None and event.stream_type in _WANTED:
            handler(event, load(event.event_type, event.data), writes)
    await writes.apply(conn)


def _hid(event: RecordedEvent) -> str:
    return event.stream_id.removeprefix("household-")


def _status(event: RecordedEvent, w: RowWrites) -> None:
    w.add(
        "UPDATE households SET status = $2, updated_at = $3 WHERE household_id = $1",
        _hid(event),
        _STATUS[event.event_type],
        event.occurred_at,
    )


def _applied(event: RecordedEvent, e: ev.HouseholdApplied, w: RowWrites) -> None:
    w.add(
        """INSERT INTO households (household_id, programme, category, status, residence, township,
               persons, official_relative, applied_at, updated_at)
           VALUES ($1, $2, $3, 'reviewing', $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING""",
        _hid(event),
        e.programme,
        "urban" if e.programme == "dibao_urban" else "rural",
        e.residence,
        e.residence[:9],
        len(e.members),
        e.official_relative,
        event.occurred_at,
    )


def _notice(event: RecordedEvent, e: ev.PublicNoticePosted, w: RowWrites) -> None:
    _status(event, w)
    w.add(
        "UPDATE households SET notice_ends_at = $2 WHERE household_id = $1",
        _hid(event),
        datetime.fromisoformat(e.ends_at),
    )


def _objection(delta: int) -> Handler:
    sql = f"UPDATE households SET open_objections = open_objections + ({delta}) WHERE household_id = $1"

    def handle(event: RecordedEvent, _: Any, w: RowWrites) -> None:
        w.add(sql, _hid(event))

    return handle


def _basis(event: RecordedEvent, e: ev.ApprovalGranted | ev.AmountChanged, w: RowWrites) -> None:
    if isinstance(e, ev.ApprovalGranted):
        _status(event, w)
    basis = {
        "effective_from": e.effective_from,
        "members": e.member_count,
        "per_capita_income_fen": e.per_capita_income_fen,
    }
    # the latest decision holds from its month on (``household.evolve``): one dated back (a death
    # reported late) replaces the bases it precedes
    w.add(
        """UPDATE households SET bases = coalesce(
                   (SELECT jsonb_agg(b) FROM jsonb_array_elements(bases) b
                    WHERE b->>'effective_from' < $6), '[]'::jsonb) || $2::jsonb,
               monthly_amount_fen = $3, standard_id = $4, persons = $5 WHERE household_id = $1""",
        _hid(event),
        json.dumps([basis]),
        e.monthly_amount_fen,
        e.standard_id,
        e.member_count,
        e.effective_from,
    )


def _terminated(event: RecordedEvent, e: ev.BenefitTerminated, w: RowWrites) -> None:
    _status(event, w)
    w.add(
        "UPDATE households SET ends_from = $2 WHERE household_id = $1", _hid(event), e.effective_from or None
    )


def _recheck_due(due: bool) -> Handler:
    sql = f"UPDATE households SET recheck_due = {'true' if due else 'false'} WHERE household_id = $1"

    def handle(event: RecordedEvent, _: Any, w: RowWrites) -> None:
        w.add(sql, _hid(event))

    return handle


def _status_only(event: RecordedEvent, _: Any, w: RowWrites) -> None:
    _status(event, w)


def _tekun_confirmed(event: RecordedEvent, e: ev.TekunSupportConfirmed, w: RowWrites) -> None:
    w.add(
        "INSERT INTO tekun_cases (case_id, person, residence, mode, active) VALUES ($1, $2, $3, $4, true) "
        "ON CONFLICT DO NOTHING",
        event.stream_id.removeprefix("tekun-"),
        e.person,
        e.residence,
        e.mode,
    )


def _tekun_mode(event: RecordedEvent, e: ev.SupportModeChanged, w: RowWrites) -> None:
    case = event.stream_id.removeprefix("tekun-")
    if not e.effective_from:  # for every month not yet paid: the timeline is the mode alone
        w.add("UPDATE tekun_cases SET mode = $2, modes = NULL WHERE case_id = $1", case, e.to)
        return
    # from a month on (domain.other_aid.evolve_tekun): the entries begun before it, then this one
    w.add(_MODE_FROM, case, e.to, e.effective_from)


_MODE_FROM = """
UPDATE tekun_cases SET mode = $2::text, modes = (
    SELECT coalesce(jsonb_agg(x.entry ORDER BY x.n), '[]'::jsonb)
    FROM jsonb_array_elements(
        coalesce(modes, jsonb_build_array(jsonb_build_object('from', NULL, 'mode', mode)))
    ) WITH ORDINALITY AS x(entry, n)
    WHERE x.entry->>'from' IS NULL OR x.entry->>'from' < $3::text
) || jsonb_build_array(jsonb_build_object('from', $3::text, 'mode', $2::text))
WHERE case_id = $1"""


def _tekun_ended(event: RecordedEvent, e: ev.TekunSupportEnded, w: RowWrites) -> None:
    w.add(
        "UPDATE tekun_cases SET active = false, ends_from = $2 WHERE case_id = $1",
        event.stream_id.removeprefix("tekun-"),
        e.ends_from or None,
    )


def _payment(event: RecordedEvent, e: ev.PaymentIssued, w: RowWrites) -> None:
    w.add(
        """INSERT INTO payments (payment_id, programme, household_id, case_id, period, amount_fen,
               standard_id, run_id, residence, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING""",
        e.payment_id,
        e.programme,
        e.household_id,
        e.case_id,
        e.period,
        e.amount_fen,
        e.standard_id,
        e.run_id,
        e.residence,
        event.occurred_at,
    )


def _one_off(event: RecordedEvent, e: ev.TemporaryAidGranted | ev.MedicalAidPaid, w: RowWrites) -> None:
    if isinstance(e, ev.TemporaryAidGranted):
        programme, amount = "temporary_aid", e.amount_fen
    elif e.paid_fen > 0:
        programme, amount = "medical_aid", e.paid_fen
    else:
        return
    w.add(
        """INSERT INTO payments (payment_id, programme, amount_fen, standard_id, residence, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        event.event_id,
        programme,
        amount,
        e.standard_id,
        e.residence,
        event.occurred_at,
    )


_HANDLERS: dict[str, Handler] = {
    "HouseholdApplied": _applied,
    "PublicNoticePosted": _notice,
    "ObjectionRaised": _objection(+1),
    "ObjectionResolved": _objection(-1),
    "ApprovalGranted": _basis,
    "AmountChanged": _basis,
    "ApplicationRejected": _status_only,
    "BenefitSuspended": _status_only,
    "BenefitResumed": _status_only,
    "BenefitWithdrawn": _status_only,
    "BenefitTerminated": _terminated,
    "MemberDeceased": _recheck_due(True),
    "RecheckFlagged": _recheck_due(True),
    "RecheckCompleted": _recheck_due(False),
    "TekunSupportConfirmed": _tekun_confirmed,
    "SupportModeChanged": _tekun_mode,
    "TekunSupportEnded": _tekun_ended,
    "PaymentIssued": _payment,
    "TemporaryAidGranted": _one_off,
    "MedicalAidPaid": _one_off,
}
NAME = "assistance-read-models"
STREAM_TYPES = ["household", "tekun", "payment", "temporary_aid", "medical"]
_WANTED = frozenset(STREAM_TYPES)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {', '.join(READ_MODEL_TABLES)}")
