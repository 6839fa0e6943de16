"""The operations API's reads (``ops_http``): bounded SQL over the service's own tables.

Every query is bounded (a ``LIMIT``, or a count over an index range) and runs on the store's pool:
``events`` by position (primary key), by stream (``events_stream_version_key``) or by correlation
(``events_correlation_idx``); ``dead_letters`` and ``outbox_parked`` by their open-row indexes;
``inbox`` by its primary key ``(consumer, event_id)``; ``deadlines`` by ``deadlines_due``.
A listing of ``events`` filtered by type or time has no index of its own: it walks the primary key
in order and stops at ``limit`` matches, under a statement timeout (``BROAD_QUERY_TIMEOUT``), so a
filter that matches nothing in a large log is refused (``query_too_broad``) instead of scanning on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from minzheng_contracts import mask_resident_ids
from minzheng_kernel.errors import DomainError

from .model import RecordedEvent
from .relay import MSG_ID, Publication, each_message, published_form
from .store import EventStore

BROAD_QUERY_TIMEOUT = "3s"
"""How long a listing of events filtered by type or time may search before it is refused."""

LAG_COUNTED = 1_000_000
"""The relay's lag is counted up to this (a backlog of more shows this figure): the count walks the
global-order index beyond the checkpoint, some 0.5 µs a row (500,000 rows: 250 ms measured)."""

TRACE_LIMIT = 1000
"""Events of one correlation shown at most (a payment run's correlation holds every payment)."""


def masked(value: Any) -> Any:
    """``value`` with every resident ID inside any string masked (``mask_resident_ids``)."""
    if isinstance(value, str):
        return mask_resident_ids(value)
    if isinstance(value, dict):
        return {masked(k): masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    return value


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# ---------------------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class EventFilter:
    event_type: str | None = None
    stream: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after: int | None = None
    descending: bool = False
    limit: int = 50


async def list_events(store: EventStore, f: EventFilter) -> list[tuple[int, RecordedEvent]]:
    """``(position, event)`` of the events that match, in position order (or reverse): the page's
    rows are found by position, then read through the store (upcasted, as the relay sees them)."""
    where: list[str] = []
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if f.stream is not None:
        where.append(f"stream_id = {arg(f.stream)}")
    if f.event_type is not None:
        where.append(f"event_type = {arg(f.event_type)}")
    if f.since is not None:
        where.append(f"recorded_at >= {arg(f.since)}")
    if f.until is not None:
        where.append(f"recorded_at < {arg(f.until)}")
    if f.after is not None:
        where.append(f"position {'<' if f.descending else '>'} {arg(f.after)}")
    order = "DESC" if f.descending else "ASC"
    sql = (
        "SELECT position, event_id FROM events"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY position {order} LIMIT {arg(f.limit)}"
    )
    broad = f.stream is None and (f.event_type is not None or f.since is not None or f.until is not None)
    async with store.pool.acquire() as conn, conn.transaction(readonly=True):
        if broad:
            await conn.execute(f"SET LOCAL statement_timeout = '{BROAD_QUERY_TIMEOUT}'")
        try:
            rows = await conn.fetch(sql, *args)
        except asyncpg.QueryCanceledError:
            raise DomainError(
                "query_too_broad",
                "this filter searched too long; narrow it with a stream, or since/until nearer the events",
                field="type" if f.event_type is not None else "since",
            ) from None
        events = {e.event_id: e for e in await store.read_events([r["event_id"] for r in rows], conn=conn)}
    return [(r["position"], events[r["event_id"]]) for r in rows if r["event_id"] in events]


def contract_form(
    publication: Publication | None, internal: frozenset[str], event: RecordedEvent
) -> tuple[dict[str, Any] | None, str | None]:
    """What the relay publishes for ``event`` (its first message during a migration window), body
    masked; ``(None, None)`` for an internal event, ``(None, reason)`` for one that cannot be
    published (the relay parks it)."""
    if publication is None or event.event_type in internal:
        return None, None
    try:
        messages = each_message(published_form(publication, event))
    except Exception as exc:  # UnpublishableEventError: its reason names fields, never values
        return None, mask_resident_ids(str(exc))
    if not messages:
        return None, None
    first = messages[0]
    try:
        body = json.loads(first.payload)
    except ValueError:
        body = {"payload": first.payload.decode(errors="replace")}
    return {
        "subject": first.subject,
        "event_type": str(body.get("event_type", event.event_type)) if isinstance(body, dict) else "",
        "schema_version": int(body.get("schema_version", event.schema_version))
        if isinstance(body, dict)
        else event.schema_version,
        "msg_id": first.headers.get(MSG_ID, str(event.event_id)),
        "body": masked(body),
    }, None


def event_row(position: int, event: RecordedEvent) -> dict[str, Any]:
    return {
        "position": position,
        "event_id": str(event.event_id),
        "stream_id": event.stream_id,
        "event_type": event.event_type,
        "version": event.version,
        "recorded_at": iso(event.recorded_at),
        "correlation_id": None if event.correlation_id is None else str(event.correlation_id),
        "causation_id": None if event.causation_id is None else str(event.causation_id),
    }


async def distinct_event_types(store: EventStore) -> list[str]:
    """The event types recorded (a loose index scan would need an index on the type; this is for a
    service that declares none: a bounded ``DISTINCT`` under the broad-query timeout)."""
    async with store.pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(f"SET LOCAL statement_timeout = '{BROAD_QUERY_TIMEOUT}'")
        try:
            rows = await conn.fetch("SELECT DISTINCT event_type FROM events ORDER BY 1 LIMIT 1000")
        except asyncpg.QueryCanceledError:
            return []
    return [r["event_type"] for r in rows]


# ---------------------------------------------------------------------------------- relay, runs


async def relay_figures(store: EventStore, relay: str) -> dict[str, int]:
    """``published`` (acknowledged, all time), ``parked`` (open) and ``lag`` (committed, beyond the
    relay's checkpoint, up to ``LAG_COUNTED``) of the relay ``relay``; from the database, so a relay
    in another process counts too."""
    async with store.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT tx, position, published FROM relay_checkpoints WHERE relay = $1", relay
        )
        tx, position, published = (0, 0, 0) if row is None else (row["tx"], row["position"], row["published"])
        lag = await conn.fetchval(
            "SELECT count(*) FROM (SELECT 1 FROM events WHERE (tx, position) > ($1::text::xid8, $2::bigint) "
            "LIMIT $3) AS beyond",
            str(tx),
            position,
            LAG_COUNTED,
        )
        parked = await conn.fetchval(
            "SELECT count(*) FROM outbox_parked WHERE redriven_at IS NULL AND relay = $1", relay
        )
    return {"published": int(published), "parked": int(parked), "lag": int(lag)}


RUN_COMPLETED = "%RunCompleted"
"""A payment run's summary event (``PaymentRunCompleted``, ``PensionRunCompleted``,
``AllowanceRunCompleted``): indexed by ``OPERATIONS_LOG``'s partial index ``events_run_completed``."""


async def last_payment_run(store: EventStore) -> dict[str, Any] | None:
    """The latest payment run (``payments.MonthlyRun``): a run whose payments (stream type
    ``payment``, one event each, issued at the run's start, with its ``run_id``) lie beyond the
    latest run summary is ``running`` (payments counted so far); otherwise the latest summary
    (``*RunCompleted``: ``period``, ``paid``, ``total_fen``) is the last run, ``completed``."""
    async with store.pool.acquire() as conn:
        done = await conn.fetchrow(
            "SELECT position, event_type, occurred_at, data::text AS data FROM events "
            "WHERE event_type LIKE '%RunCompleted' ORDER BY position DESC LIMIT 1"
        )
        done_at = 0 if done is None else done["position"]
        done_data: dict[str, Any] = {} if done is None else json.loads(done["data"])
        latest = await conn.fetchrow(
            "SELECT position, occurred_at, data->>'run_id' AS run_id, data->>'period' AS period, "
            "coalesce(data->>'programme', data->>'category') AS programme FROM events "
            "WHERE stream_type = 'payment' AND position > $1 ORDER BY position DESC LIMIT 1",
            done_at,
        )
        if latest is not None and latest["run_id"] and latest["run_id"] != done_data.get("run_id"):
            counted = await conn.fetchrow(
                "SELECT count(*) AS n, coalesce(sum((data->>'amount_fen')::bigint), 0) AS fen, "
                "min(occurred_at) AS started FROM events WHERE stream_type = 'payment' "
                "AND position > $1 AND data->>'run_id' = $2",
                done_at,
                latest["run_id"],
            )
            return {
                "programme": latest["programme"] or "",
                "period": latest["period"] or "",
                "state": "running",
                "started_at": iso(counted["started"]),
                "completed_at": None,
                "payments": int(counted["n"]),
                "total_fen": int(counted["fen"]),
                "run_id": latest["run_id"],
            }
        if done is None:
            return None
        paid = await conn.fetchrow(
            "SELECT occurred_at, coalesce(data->>'programme', data->>'category') AS programme FROM events "
            "WHERE stream_type = 'payment' AND position < $1 AND data->>'run_id' = $2 "
            "ORDER BY position DESC LIMIT 1",
            done_at,
            str(done_data.get("run_id", "")),
        )
    kind = str(done["event_type"]).removesuffix("RunCompleted").lower() or "payment"
    return {
        "programme": (paid["programme"] if paid is not None else None) or kind,
        "period": str(done_data.get("period", "")),
        "state": "completed",
        "started_at": iso(paid["occurred_at"] if paid is not None else done["occurred_at"]),
        "completed_at": iso(done["occurred_at"]),
        "payments": int(done_data.get("paid", 0)),
        "total_fen": int(done_data.get("total_fen", 0)),
        "run_id": done_data.get("run_id"),
    }


# ----------------------------------------------------------------------- dead letters, parked


async def dead_letters(
    store: EventStore, consumers: Sequence[str], limit: int
) -> dict[str, list[dict[str, Any]]]:
    """The open dead letters of each consumer, newest first (at most ``limit`` each), errors masked."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in consumers}
    async with store.pool.acquire() as conn:
        for name in consumers:
            rows = await conn.fetch(
                "SELECT id, subject, error, failed_at, deliveries, event_id, headers::text AS headers, "
                "payload FROM dead_letters WHERE consumer = $1 AND redriven_at IS NULL "
                "ORDER BY id DESC LIMIT $2",
                name,
                limit,
            )
            found[name] = [
                {
                    "id": str(r["id"]),
                    "subject": r["subject"],
                    "event_type": _event_type_of(r["headers"], bytes(r["payload"])),
                    "error": mask_resident_ids(r["error"]),
                    "dead_lettered_at": iso(r["failed_at"]),
                    "deliveries": r["deliveries"],
                    "event_id": None if r["event_id"] is None else str(r["event_id"]),
                }
                for r in rows
            ]
    return found


def _event_type_of(headers: str, payload: bytes) -> str | None:
    try:
        named = json.loads(headers).get("Mz-Event-Type")
    except (ValueError, AttributeError):
        named = None
    if isinstance(named, str):
        return named
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    kind = body.get("event_type") if isinstance(body, dict) else None
    return mask_resident_ids(kind) if isinstance(kind, str) else None


async def parked(store: EventStore, relay: str, limit: int) -> list[dict[str, Any]]:
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT position, event_id, event_type, reason, parked_at FROM outbox_parked "
            "WHERE relay = $1 AND redriven_at IS NULL ORDER BY tx, position LIMIT $2",
            relay,
            limit,
        )
    return [
        {
            "position": r["position"],
            "event_id": str(r["event_id"]),
            "event_type": r["event_type"],
            "error": mask_resident_ids(r["reason"]),
            "parked_at": iso(r["parked_at"]),
        }
        for r in rows
    ]


# ------------------------------------------------------------------------------------ deadlines


DEADLINE_STATES = ("pending", "overdue", "met", "cancelled", "all")


async def deadlines(
    store: EventStore, *, state: str, kind: str | None, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Deadlines by their state *now*: a pending one past its due time is ``overdue`` even before
    the scheduler raised it; ``at_risk`` = pending and past its warning point. Ordered by due time
    (the soonest first); empty in a service without the ``deadlines`` table."""
    effective = "CASE WHEN state = 'pending' AND due_at <= $1 THEN 'overdue' ELSE state END"
    where = {
        "pending": "state = 'pending' AND due_at > $1",
        "overdue": "(state = 'overdue' OR (state = 'pending' AND due_at <= $1))",
        "met": "state = 'met'",
        "cancelled": "state = 'cancelled'",
        "all": "true",
    }[state]
    async with store.pool.acquire() as conn:
        if not await conn.fetchval("SELECT to_regclass('deadlines') IS NOT NULL"):
            return []
        rows = await conn.fetch(
            f"SELECT kind, subject, jurisdiction, starts_at, warn_at, due_at, closed_at, "
            f"{effective} AS effective FROM deadlines WHERE {where} AND ($2::text IS NULL OR kind = $2) "
            "ORDER BY due_at, kind, subject LIMIT $3",
            now,
            kind,
            limit,
        )
    return [
        {
            "kind": r["kind"],
            "subject": r["subject"],
            "jurisdiction": r["jurisdiction"],
            "starts_at": iso(r["starts_at"]),
            "warn_at": iso(r["warn_at"]),
            "due_at": iso(r["due_at"]),
            "state": r["effective"],
            "at_risk": r["effective"] == "pending" and r["warn_at"] is not None and now >= r["warn_at"],
            "closed_at": iso(r["closed_at"]),
        }
        for r in rows
    ]


# ---------------------------------------------------------------------------------------- trace


async def trace(store: EventStore, correlation_id: UUID, consumers: Sequence[str]) -> dict[str, Any]:
    """The service's events of one correlation, and the messages its consumers applied in it.

    The inbox records which message a consumer applied (its event id, subject, when: ``processed_at``,
    the database's time at the commit) but not its correlation; the consumed messages of a
    correlation are found through what they caused: a consumer's events carry the message's event id
    as their ``causation_id`` and its correlation id as theirs. A message that caused no event (a
    read model's row only) does not show."""
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT event_id, stream_id, event_type, recorded_at, correlation_id, causation_id, traceparent "
            "FROM events WHERE correlation_id = $1 ORDER BY position LIMIT $2",
            correlation_id,
            TRACE_LIMIT,
        )
        causes = sorted({r["causation_id"] for r in rows if r["causation_id"] is not None})
        inbox = (
            await conn.fetch(
                "SELECT consumer, event_id, subject, processed_at FROM inbox "
                "WHERE consumer = ANY($1::text[]) AND event_id = ANY($2::uuid[]) ORDER BY processed_at",
                list(consumers),
                causes,
            )
            if causes and consumers
            else []
        )
    caused: dict[UUID, list[str]] = {}
    for r in rows:
        if r["causation_id"] is not None:
            caused.setdefault(r["causation_id"], []).append(str(r["event_id"]))
    return {
        "events": [
            {
                "event_id": str(r["event_id"]),
                "stream_id": r["stream_id"],
                "event_type": r["event_type"],
                "recorded_at": iso(r["recorded_at"]),
                "correlation_id": str(r["correlation_id"]),
                "causation_id": None if r["causation_id"] is None else str(r["causation_id"]),
                "traceparent": r["traceparent"],
            }
            for r in rows
        ],
        "consumed": [
            {
                "consumer": i["consumer"],
                "message_event_id": str(i["event_id"]),
                "subject": i["subject"],
                "consumed_at": iso(i["processed_at"]),
                "caused": caused.get(i["event_id"], []),
            }
            for i in inbox
        ],
    }


__all__ = [
    "EventFilter",
    "contract_form",
    "dead_letters",
    "deadlines",
    "distinct_event_types",
    "event_row",
    "last_payment_run",
    "list_events",
    "masked",
    "parked",
    "relay_figures",
    "trace",
]
