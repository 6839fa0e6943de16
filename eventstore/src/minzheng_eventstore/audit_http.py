"""The auditor's reads over HTTP (审计查询), mounted by the kit on every service, for the operations
console and the county view (``minzheng audit person``):

- ``GET /audit/history?stream=…`` or ``?resident=…`` (``as_of`` optional): ``history``;
- ``GET /audit/state?stream=…&as_of=…``: ``asof`` (known then against known now about then);
- ``GET /audit/explain?payment=…``: ``explain`` (standards, inputs, decision events), by the
  service's declared payment rules (``explain.declare_payments``).

Only the auditor role (``audit.read``), of a division that contains the service's county (an
auditor of another county, or of one township, is refused 403 ``outside_jurisdiction``);
resident IDs are shown whole (the auditor is the one role these routes admit). Every read is
recorded in ``audit_reads`` (who, roles, division, which read, of what, as of when, the request's
correlation id, at the service clock's time), the person named by a keyed pseudonym
(``AUDIT_PURPOSE``), never by the resident ID.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query

from minzheng_contracts import InvalidResidentIdError, ResidentId
from minzheng_kernel.errors import DomainError, NotFound

from .access import AUDIT_PERMISSION, permit
from .asof import parse_moment, state_as_of
from .audit_models import ExplainOut, HistoryOut, StateOut
from .builder import Actor
from .context import ServiceContext
from .deps import Ctx
from .errors import StreamNotFoundError
from .errors_api import refusals
from .explain import declared_payments, explain
from .history import person_history, stream_history
from .host import Migration
from .identity import Role
from .model import STREAM_ID_PATTERN
from .uow import Aggregate

AUDIT = {AUDIT_PERMISSION: frozenset({Role.AUDITOR})}
"""What the kit adds to every service's permission table."""

AUDIT_PURPOSE = "audit-person"
"""Of the pseudonym naming a person in ``audit_reads``."""

AUDIT_READS = Migration(
    "kit_audit_reads",
    """
    CREATE TABLE IF NOT EXISTS audit_reads (
        read_at timestamptz NOT NULL, reader text NOT NULL, roles text[] NOT NULL, division text,
        verb text NOT NULL, subject text NOT NULL, as_of text, correlation_id uuid);
    CREATE INDEX IF NOT EXISTS audit_reads_subject ON audit_reads (subject, read_at);
    """,
)
"""The record of every auditor's read (who read what, when)."""


@dataclass(frozen=True, slots=True)
class AuditSources:
    """What a service declares for its audit reads: its aggregates by stream type (to fold a state
    as of a moment) and the pseudonym purposes its person streams are keyed by."""

    aggregates: Mapping[str, Aggregate[Any]]
    person_purposes: Sequence[str] = ()


Auditor = Annotated[Actor, permit(AUDIT_PERMISSION)]
"""The caller of the auditor's routes (module level: FastAPI resolves the annotations here)."""

Stream = Annotated[
    str | None,
    Query(max_length=200, pattern=STREAM_ID_PATTERN.pattern, description="a stream id"),
]
Resident = Annotated[
    str | None, Query(min_length=18, max_length=18, description="a resident ID (18 characters)")
]
Moment = Annotated[
    str | None,
    Query(max_length=40, description="a time with its offset (ISO 8601) or a position tx:position"),
]


async def record_read(ctx: ServiceContext, actor: Actor, verb: str, subject: str, as_of: str | None) -> None:
    async with ctx.store.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO audit_reads (read_at, reader, roles, division, verb, subject, as_of, "
            "correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ctx.clock.now(),
            actor.name,
            sorted(actor.roles),
            actor.jurisdiction,
            verb,
            subject,
            as_of,
            actor.correlation_id,
        )


def _resident(text: str) -> str:
    try:
        return ResidentId(text).reveal()
    except (InvalidResidentIdError, ValueError):
        raise DomainError("invalid_resident_id", "not a valid resident ID", field="resident") from None


def audit_router(sources: AuditSources) -> APIRouter:
    """The auditor's routes of one service (the kit mounts them)."""
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get(
        "/history",
        summary="A stream's or a person's history",
        response_model=HistoryOut,
        responses=refusals(401, 403, 404, 422),
    )
    async def history(
        ctx: Ctx, actor: Auditor, stream: Stream = None, resident: Resident = None, as_of: Moment = None
    ) -> dict[str, Any]:
        """A stream's events (``stream``), or a person's across the service's streams
        (``resident``), with type, version, times, actor, correlation and causation; ``as_of``:
        only what was recorded by then."""
        if (stream is None) == (resident is None):
            raise DomainError("stream_or_resident", "give a stream or a resident ID", field="stream")
        actor.require_within(ctx.county, "stream" if stream is not None else "resident")
        moment = None if as_of is None else parse_moment(as_of)
        if stream is not None:
            try:
                found = await stream_history(ctx.store, stream, as_of=moment)
            except StreamNotFoundError:
                raise NotFound("stream_not_found", "no events in this stream", field="stream") from None
            subject = stream
        else:
            person = _resident(resident or "")
            found = await person_history(
                ctx.store, ctx.pseudonyms, sources.person_purposes, person, as_of=moment
            )
            subject = f"person:{ctx.pseudonyms.token(AUDIT_PURPOSE, person)}"
        await record_read(ctx, actor, "history", subject, as_of)
        return {"service": ctx.service, **found.as_json()}

    @router.get(
        "/state",
        summary="A stream's state as of a moment",
        response_model=StateOut,
        responses=refusals(401, 403, 404, 422),
    )
    async def state(
        ctx: Ctx,
        actor: Auditor,
        stream: Annotated[str, Query(max_length=200, pattern=STREAM_ID_PATTERN.pattern)],
        as_of: Annotated[str, Query(max_length=40, description="a time with its offset, or tx:position")],
    ) -> dict[str, Any]:
        """What the service knew at ``as_of`` against what it knows now about that moment (late
        facts and corrections), side by side."""
        actor.require_within(ctx.county, "stream")
        moment = parse_moment(as_of)
        try:
            found = await state_as_of(ctx.store, stream, moment, sources.aggregates)
        except StreamNotFoundError:
            raise NotFound("stream_not_found", "no events in this stream", field="stream") from None
        await record_read(ctx, actor, "state", stream, as_of)
        return {"service": ctx.service, **found.as_json()}

    @router.get(
        "/explain",
        summary="The rule behind a payment's amount",
        response_model=ExplainOut,
        responses=refusals(401, 403, 404, 422),
    )
    async def explain_payment(
        ctx: Ctx,
        actor: Auditor,
        payment: Annotated[
            str, Query(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
        ],
    ) -> dict[str, Any]:
        """A payment (its event id or payment id): the standards and their values then, the inputs
        and the decision events behind the amount."""
        actor.require_within(ctx.county, "payment")
        found = await explain(ctx.store, payment, declared_payments(ctx.service))
        await record_read(ctx, actor, "explain", found.payment.stream_id, None)
        return {"service": ctx.service, **found.as_json()}

    return router


__all__ = ["AUDIT", "AUDIT_PERMISSION", "AUDIT_PURPOSE", "AUDIT_READS", "AuditSources", "audit_router"]
