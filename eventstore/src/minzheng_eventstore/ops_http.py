"""The operations API (运维接口), mounted by the kit on every service under ``/operations``, for the
operations console: what the service is doing (readiness, relay, consumers, the last payment run),
its events in their published (contract) form, its dead letters and parked publications, its
deadlines, one correlation's path through it, and re-drives.

- ``GET /operations/summary``, ``/events``, ``/event-types``, ``/dead-letters``, ``/deadlines``,
  ``/trace``: ``operations.read`` (operator, auditor);
- ``POST /operations/redrive``: ``operations.redrive`` (operator), recorded in ``operations_log``
  (who, when, what, the result) and the record's id returned.

Only a caller of a division that contains the service's county (403 ``outside_jurisdiction``
otherwise). Resident IDs are masked everywhere (bodies, errors): neither role needs them here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import nats.errors
import nats.js.errors
from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from minzheng_kernel.errors import DomainError, NotFound

from . import ops_queries as q
from .access import OPERATIONS_READ, OPERATIONS_REDRIVE, permit
from .builder import Actor
from .context import ServiceContext
from .deps import Ctx
from .errors_api import refusals
from .model import EVENT_TYPE_PATTERN, STREAM_ID_PATTERN
from .ops_log import record_action
from .relay import Publication


@dataclass(frozen=True, slots=True)
class OpsSources:
    """What the operations routes know of the service besides its running host: its consumers
    (name, JetStream stream), its publication and internal event types, its declared event types."""

    consumers: Sequence[tuple[str, str]]
    publication: Publication | None
    internal_events: frozenset[str] = frozenset()
    event_types: frozenset[str] = frozenset()


Reader = Annotated[Actor, permit(OPERATIONS_READ)]
Redriver = Annotated[Actor, permit(OPERATIONS_REDRIVE)]

KIND_PATTERN = r"^[A-Za-z][A-Za-z0-9_.:-]{0,99}$"
MAX_POSITION = 2**63 - 1
"""A position is a PostgreSQL bigint."""


# ----------------------------------------------------------------------------------- the answers


class RelayOut(BaseModel):
    published: int = Field(description="Events the relay published and JetStream acknowledged (all time).")
    parked: int = Field(description="Events set aside as unpublishable, not yet re-driven.")
    lag: int = Field(description="Events committed and not yet published.")


class ConsumerOut(BaseModel):
    name: str
    stream: str
    present: bool = Field(description="The durable consumer exists in JetStream.")
    pending: int = Field(description="Messages JetStream holds for it, not yet delivered.")
    ack_pending: int
    redelivered: int
    applied: int = Field(description="Messages applied by this process since it started.")
    dead_lettered: int = Field(description="Messages dead-lettered by this process since it started.")
    open_dead_letters: int = Field(description="Dead letters recorded and not yet re-driven (all time).")


class PaymentRunOut(BaseModel):
    programme: str
    period: str
    state: str = Field(description="`running` or `completed`.")
    started_at: str | None
    completed_at: str | None
    payments: int
    total_fen: int
    run_id: str | None = None


class SummaryOut(BaseModel):
    service: str
    ready: dict[str, Any] = Field(description="What `/ready` gives.")
    relay: RelayOut
    consumers: list[ConsumerOut]
    last_payment_run: PaymentRunOut | None
    checked_at: str


class ContractOut(BaseModel):
    subject: str
    event_type: str
    schema_version: int
    msg_id: str = Field(description="Its `Nats-Msg-Id`.")
    body: dict[str, Any] = Field(description="The JSON as published, resident IDs masked.")


class EventOut(BaseModel):
    position: int
    event_id: str
    stream_id: str
    event_type: str
    version: int
    recorded_at: str | None
    correlation_id: str | None
    causation_id: str | None
    contract: ContractOut | None = Field(description="`null` for an internal event.")
    contract_error: str | None = Field(
        default=None, description="Why the event cannot be published (the relay parks it), if so."
    )


class EventsOut(BaseModel):
    service: str
    items: list[EventOut]
    next: int | None = Field(description="`after` for the next page; `null` at the end.")


class EventTypesOut(BaseModel):
    service: str
    types: list[str]


class DeadLetterOut(BaseModel):
    id: str
    subject: str
    event_type: str | None
    error: str
    dead_lettered_at: str | None
    deliveries: int | None = None
    event_id: str | None = None


class ConsumerDeadLettersOut(BaseModel):
    consumer: str
    items: list[DeadLetterOut]


class ParkedOut(BaseModel):
    position: int
    event_id: str
    event_type: str
    error: str
    parked_at: str | None


class DeadLettersOut(BaseModel):
    service: str
    consumers: list[ConsumerDeadLettersOut]
    parked: list[ParkedOut]


class RedriveIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"consumer": "assistance-deaths-v1", "relay": False}]},
    )

    consumer: str | None = Field(
        default=None, max_length=200, description="A consumer of this service whose dead letters to re-drive."
    )
    relay: bool = Field(default=False, description="Re-drive the relay's parked events.")


class Outcome(BaseModel):
    redriven: int
    failed: int


class RedriveOut(BaseModel):
    service: str
    redriven: dict[str, Outcome] = Field(description="By consumer name, and `relay`.")
    recorded: str = Field(description="The id of the record in `operations_log`.")


class DeadlineOut(BaseModel):
    kind: str
    subject: str
    jurisdiction: str | None
    starts_at: str | None
    warn_at: str | None
    due_at: str | None
    state: str = Field(description="As of now: a pending deadline past its due time is `overdue`.")
    at_risk: bool
    closed_at: str | None


class DeadlinesOut(BaseModel):
    service: str
    items: list[DeadlineOut]


class TraceEventOut(BaseModel):
    event_id: str
    stream_id: str
    event_type: str
    recorded_at: str | None
    correlation_id: str | None
    causation_id: str | None
    traceparent: str | None


class ConsumedOut(BaseModel):
    consumer: str
    message_event_id: str = Field(description="The other service's event id.")
    subject: str
    consumed_at: str | None
    caused: list[str]


class TraceOut(BaseModel):
    service: str
    events: list[TraceEventOut]
    consumed: list[ConsumedOut]


# ------------------------------------------------------------------------------------ the inputs


def _moment(text: str | None, field: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("invalid_time", "not an ISO 8601 date and time", field=field) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError("time_without_offset", "give the time with its offset (e.g. +08:00)", field=field)
    try:  # the database keeps UTC: a time at the calendar's edge has none
        return moment.astimezone(UTC)
    except OverflowError:
        raise DomainError("invalid_time", "out of the range of times kept", field=field) from None


Moment = Annotated[str | None, Query(max_length=40, description="ISO 8601 with its offset")]


def _relay_name(ctx: ServiceContext) -> str:
    return f"{ctx.service}-outbox"


# ------------------------------------------------------------------------------------ the router


def ops_router(sources: OpsSources) -> APIRouter:
    """The operations routes of one service (the kit mounts them)."""
    router = APIRouter(prefix="/operations", tags=["operations"])
    names = [name for name, _ in sources.consumers]

    @router.get(
        "/summary",
        summary="What the service is doing",
        response_model=SummaryOut,
        responses=refusals(401, 403, 422),
    )
    async def summary(ctx: Ctx, actor: Reader) -> dict[str, Any]:
        """Readiness (as `/ready`), the relay (published, parked, lag), each consumer (JetStream's
        pending, ack pending, redelivered; this process's applied and dead-lettered counts; open
        dead letters) and the last payment run."""
        actor.require_within(ctx.county, "service")
        host = ctx.host
        ready = await host.ready()
        relay = (
            await q.relay_figures(ctx.store, _relay_name(ctx))
            if sources.publication is not None
            else {"published": 0, "parked": 0, "lag": 0}
        )
        open_letters = await _open_dead_letters(ctx, names)
        consumers = []
        js = host.nats.jetstream(timeout=2) if host.nats.is_connected else None
        for name, stream in sources.consumers:
            row: dict[str, Any] = {
                "name": name,
                "stream": stream,
                "present": False,
                "pending": 0,
                "ack_pending": 0,
                "redelivered": 0,
                "applied": 0,
                "dead_lettered": 0,
                "open_dead_letters": open_letters.get(name, 0),
            }
            running = host.consumers.get(name)
            if running is not None:
                row["applied"], row["dead_lettered"] = running.applied, running.dead_lettered
            if js is not None:
                with contextlib.suppress(nats.js.errors.Error, TimeoutError, nats.errors.Error):
                    info = await js.consumer_info(stream, name)
                    row.update(
                        present=True,
                        pending=info.num_pending or 0,
                        ack_pending=info.num_ack_pending or 0,
                        redelivered=info.num_redelivered or 0,
                    )
            consumers.append(row)
        return {
            "service": ctx.service,
            "ready": ready,
            "relay": relay,
            "consumers": consumers,
            "last_payment_run": await q.last_payment_run(ctx.store),
            "checked_at": ctx.clock.now().isoformat(),
        }

    @router.get(
        "/events",
        summary="The service's events and their published form",
        response_model=EventsOut,
        responses=refusals(401, 403, 422),
    )
    async def events(
        ctx: Ctx,
        actor: Reader,
        type: Annotated[
            str | None, Query(max_length=100, pattern=EVENT_TYPE_PATTERN.pattern, description="an event type")
        ] = None,
        stream: Annotated[
            str | None, Query(max_length=200, pattern=STREAM_ID_PATTERN.pattern, description="a stream id")
        ] = None,
        since: Moment = None,
        until: Moment = None,
        after: Annotated[
            int | None, Query(ge=0, le=MAX_POSITION, description="the position to continue after")
        ] = None,
        order: Annotated[
            Literal["asc", "desc"], Query(description="`desc`: newest first, `after` continues below")
        ] = "asc",
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """The events in the log's order (filtered by type, stream, recorded time), each with what
        the relay publishes for it: subject, contract type and version, `Nats-Msg-Id` and the body
        (resident IDs masked); `contract` is null for an internal event. Page with `next`."""
        actor.require_within(ctx.county, "stream")
        start, end = _moment(since, "since"), _moment(until, "until")
        if start is not None and end is not None and end <= start:
            raise DomainError("empty_interval", "until must be after since", field="until")
        found = await q.list_events(
            ctx.store,
            q.EventFilter(type, stream, start, end, after, order == "desc", limit),
        )
        items = []
        for position, event in found:
            contract, error = q.contract_form(sources.publication, sources.internal_events, event)
            items.append({**q.event_row(position, event), "contract": contract, "contract_error": error})
        return {
            "service": ctx.service,
            "items": items,
            "next": found[-1][0] if len(found) == limit else None,
        }

    @router.get(
        "/event-types",
        summary="The service's event types",
        response_model=EventTypesOut,
        responses=refusals(401, 403, 422),
    )
    async def event_types(ctx: Ctx, actor: Reader) -> dict[str, Any]:
        """Every event type the service declares (or, for one that declares none, those recorded),
        sorted: the choices of the events' type filter."""
        actor.require_within(ctx.county, "service")
        types = sorted(sources.event_types) or await q.distinct_event_types(ctx.store)
        return {"service": ctx.service, "types": types}

    @router.get(
        "/dead-letters",
        summary="Dead letters and parked publications",
        response_model=DeadLettersOut,
        responses=refusals(401, 403, 422),
    )
    async def dead_letters(
        ctx: Ctx, actor: Reader, limit: Annotated[int, Query(ge=1, le=200)] = 100
    ) -> dict[str, Any]:
        """Each consumer's open dead letters (newest first: subject, contract type, the error, when)
        and the relay's parked events (position, type, the reason), errors masked."""
        actor.require_within(ctx.county, "service")
        letters = await q.dead_letters(ctx.store, names, limit)
        parked = await q.parked(ctx.store, _relay_name(ctx), limit) if sources.publication is not None else []
        return {
            "service": ctx.service,
            "consumers": [{"consumer": name, "items": items} for name, items in letters.items()],
            "parked": parked,
        }

    @router.post(
        "/redrive",
        summary="Re-drive dead letters or parked publications",
        response_model=RedriveOut,
        responses=refusals(401, 403, 404, 422),
    )
    async def redrive(ctx: Ctx, actor: Redriver, body: Annotated[RedriveIn, Body()]) -> dict[str, Any]:
        """Run a consumer's open dead letters through its handler again (`consumer`), and/or
        publish the relay's parked events again (`relay`), after the cause was fixed. Recorded
        (who, when, what, the result) in `operations_log`; `recorded` is the record's id.
        404 `unknown_consumer`, `no_relay`; 422 `nothing_to_redrive`."""
        actor.require_within(ctx.county, "consumer")
        if body.consumer is None and not body.relay:
            raise DomainError("nothing_to_redrive", "name a consumer, or relay: true", field="consumer")
        if body.consumer is not None and body.consumer not in names:
            raise NotFound("unknown_consumer", "this service has no such consumer", field="consumer")
        if body.relay and sources.publication is None:
            raise NotFound("no_relay", "this service publishes nothing", field="relay")
        done: dict[str, dict[str, int]] = {}
        try:
            if body.consumer is not None:
                for name, (redriven, failed) in (await ctx.host.redrive(only=body.consumer)).items():
                    done[name] = {"redriven": redriven, "failed": failed}
            if body.relay:
                redriven, failed = await ctx.host.redrive_outbox()
                done["relay"] = {"redriven": redriven, "failed": failed}
        except Exception as exc:  # what was done before the fault is recorded with it, then raised
            with contextlib.suppress(Exception):
                await record_action(
                    ctx, actor, "redrive", body.model_dump(), {**done, "fault": type(exc).__name__}
                )
            raise
        recorded = await record_action(ctx, actor, "redrive", body.model_dump(), done)
        return {"service": ctx.service, "redriven": done, "recorded": recorded}

    @router.get(
        "/deadlines",
        summary="The service's deadlines",
        response_model=DeadlinesOut,
        responses=refusals(401, 403, 422),
    )
    async def deadlines(
        ctx: Ctx,
        actor: Reader,
        state: Annotated[
            Literal["pending", "overdue", "met", "cancelled", "all"], Query(description="as of now")
        ] = "pending",
        kind: Annotated[str | None, Query(max_length=100, pattern=KIND_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 100,
    ) -> dict[str, Any]:
        """The deadlines (期限) of a state as of now (the service clock), the soonest due first:
        `at_risk` when pending and past the warning point; a pending one past its due time is
        `overdue` even before the scheduler raised it."""
        actor.require_within(ctx.county, "kind")
        items = await q.deadlines(ctx.store, state=state, kind=kind, now=ctx.clock.now(), limit=limit)
        return {"service": ctx.service, "items": items}

    @router.get(
        "/trace",
        summary="One correlation's path through the service",
        response_model=TraceOut,
        responses=refusals(401, 403, 422),
    )
    async def trace(
        ctx: Ctx, actor: Reader, correlation_id: Annotated[UUID, Query(description="a correlation id")]
    ) -> dict[str, Any]:
        """The service's events with this correlation id (with their trace parent), and the
        messages its consumers applied in it (from the inbox: the other service's event id, when
        it was applied, what it caused), so a console can draw the path and the waits."""
        actor.require_within(ctx.county, "correlation_id")
        found = await q.trace(ctx.store, correlation_id, names)
        return {"service": ctx.service, **found}

    return router


async def _open_dead_letters(ctx: ServiceContext, names: Sequence[str]) -> dict[str, int]:
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT consumer, count(*) AS n FROM dead_letters WHERE redriven_at IS NULL "
            "AND consumer = ANY($1::text[]) GROUP BY consumer",
            list(names),
        )
    return {r["consumer"]: int(r["n"]) for r in rows}


__all__ = ["OpsSources", "ops_router"]
