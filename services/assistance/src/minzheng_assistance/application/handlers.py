"""Command handlers: plain async functions of (context, command fields). They load, let the domain
decide, and append; guards (enrolments, standards) are written in the same transaction."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore import ANY_VERSION, EventMetadata, EventStore, NewEvent, Repository
from minzheng_eventstore.clock import Clock
from minzheng_eventstore.errors import Conflict, DomainError, NotFound
from minzheng_eventstore.store import Connection

from ..domain import household as hh
from ..domain import other_aid as aid
from ..domain.facts import Fact
from ..domain.household import Household, Member, Status, Step
from ..domain.standards import Parameter, Standard, StandardsTable

NAMESPACE = uuid.UUID("7c1d5e52-8d44-4b8e-9a57-3c6f2d1e0a11")
HOUSEHOLD_GROUP = "dibao"
TEKUN_GROUP = "tekun"


@dataclass
class Context:
    """What every handler needs: the store, the clock, and the county it serves."""

    store: EventStore
    clock: Clock
    county: str

    def __post_init__(self) -> None:
        def fold(evolve: Callable[[Any, str, dict[str, Any]], Any]) -> Callable[[Any, Any], Any]:
            return lambda state, event: evolve(state, event.event_type, event.data)

        self.households: Repository[Household] = Repository(
            self.store, "household", initial=Household, evolve=fold(hh.evolve)
        )
        self.tekun: Repository[aid.TekunSupport] = Repository(
            self.store, "tekun", initial=aid.TekunSupport, evolve=fold(aid.evolve_tekun)
        )
        self.medical: Repository[aid.MedicalYear] = Repository(
            self.store, "medical", initial=aid.MedicalYear, evolve=fold(aid.evolve_medical)
        )


@dataclass(frozen=True)
class Actor:
    """Who issues a command, and the request it came with (for metadata)."""

    name: str
    correlation_id: uuid.UUID | None = None


def household_stream(household_id: uuid.UUID) -> str:
    return f"household-{household_id}"


def events(
    facts: Sequence[Fact], ctx: Context, actor: Actor, jurisdiction: str, **context: Any
) -> list[NewEvent]:
    now = ctx.clock.now()
    meta = EventMetadata(correlation_id=actor.correlation_id, actor=actor.name, jurisdiction=jurisdiction)
    return [
        NewEvent(event_type=f.event_type, data={**context, **f.data}, occurred_at=now, metadata=meta)
        for f in facts
    ]


# ------------------------------------------------------------------------------ standards, divisions


async def load_standards(store: EventStore, conn: Connection | None = None) -> StandardsTable:
    sql = "SELECT parameter, jurisdiction, effective_from, value FROM standards"
    if conn is not None:
        rows = await conn.fetch(sql)
    else:
        async with store.pool.acquire() as own:
            rows = await own.fetch(sql)
    return StandardsTable(
        Standard(Parameter(r["parameter"]), r["jurisdiction"], r["effective_from"], r["value"]) for r in rows
    )


async def require_division(ctx: Context, code: str, field: str, conn: Connection | None = None) -> None:
    if not code.startswith(ctx.county):
        raise DomainError("outside_county", f"{code} is not within county {ctx.county}", field=field)
    sql = "SELECT 1 FROM divisions WHERE code = $1"
    if conn is not None:
        known = await conn.fetchval(sql, code)
    else:
        async with ctx.store.pool.acquire() as own:
            known = await own.fetchval(sql, code)
    if not known and code != ctx.county:
        raise DomainError(
            "unknown_division", f"division code {code} is not known in this county", field=field
        )


async def register_division(ctx: Context, actor: Actor, *, code: str, name: str, level: str) -> None:
    if not code.startswith(ctx.county):
        raise DomainError("outside_county", f"{code} is not within county {ctx.county}", field="code")
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO divisions (code, name, level) VALUES ($1, $2, $3) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            code,
            name,
            level,
        )
        facts = [Fact("DivisionRegistered", {"code": code, "name": name, "level": level})]
        await ctx.store.append(
            "divisions", "registry", ANY_VERSION, events(facts, ctx, actor, ctx.county), conn=conn
        )


async def set_standard(
    ctx: Context, actor: Actor, *, parameter: Parameter, jurisdiction: str, effective_from: date, value: int
) -> Standard:
    """Record a standard (e.g. a raise of the 低保 standard from a date). Standards are never edited:
    a new one with a later ``effective_from`` supersedes the old from that day."""
    if value < 0:
        raise DomainError("negative_standard", "a standard cannot be negative", field="value")
    await require_division(ctx, jurisdiction, "jurisdiction")
    standard = Standard(parameter, jurisdiction, effective_from, value)
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        inserted = await conn.fetchval(
            "INSERT INTO standards (parameter, jurisdiction, effective_from, value) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING RETURNING true",
            parameter.value,
            jurisdiction,
            effective_from,
            value,
        )
        if not inserted:
            raise Conflict(
                "standard_exists", f"{standard.standard_id} is already set", field="effective_from"
            )
        facts = [Fact("StandardSet", {"standard_id": standard.standard_id, "value": value})]
        await ctx.store.append(
            "standards", "standards", ANY_VERSION, events(facts, ctx, actor, jurisdiction), conn=conn
        )
    return standard


# ------------------------------------------------------------------------------ 低保 households


async def apply_household(
    ctx: Context,
    actor: Actor,
    *,
    household_id: uuid.UUID,
    programme: str,
    residence: str,
    members: list[Member],
    official_relative: bool,
) -> uuid.UUID:
    await require_division(ctx, residence, "residence")
    ids = [m.resident_id for m in members]
    if len(set(ids)) != len(ids):
        raise DomainError("duplicate_member", "a person is listed twice", field="members")
    facts = hh.apply(
        Household(),
        household_id=str(household_id),
        programme=programme,
        residence=residence,
        members=members,
        official_relative=official_relative,
        applied_at=ctx.clock.now(),
    )
    new = events(facts, ctx, actor, residence)
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        taken = await conn.fetch(
            "SELECT resident_id, case_id FROM enrolments WHERE grp = $1 AND resident_id = ANY($2::text[])",
            HOUSEHOLD_GROUP,
            ids,
        )
        if any(r["case_id"] != household_id for r in taken):
            index = ids.index(next(r["resident_id"] for r in taken if r["case_id"] != household_id))
            raise Conflict(
                "person_in_other_household",
                "this person is already in another open assistance case",
                field=f"members.{index}.resident_id",
            )
        if taken:  # the same application re-sent: nothing to do
            return household_id
        await conn.executemany(
            "INSERT INTO enrolments (resident_id, grp, case_id) VALUES ($1, $2, $3)",
            [(rid, HOUSEHOLD_GROUP, household_id) for rid in ids],
        )
        await ctx.store.append(household_stream(household_id), "household", 0, new, conn=conn)
    return household_id


async def _decide_household(
    ctx: Context,
    actor: Actor,
    household_id: uuid.UUID,
    decide: Callable[[Household], list[Fact]],
    *,
    conn: Connection | None = None,
) -> Household:
    """Load, decide, append (retrying on concurrency); release enrolments when the case closes."""
    stream = household_stream(household_id)
    result: dict[str, Household] = {}

    def decide_events(state: Household, version: int) -> list[NewEvent]:
        if state.status == Status.NONE:
            raise NotFound("unknown_household", f"no household {household_id}", field="household_id")
        facts = decide(state)
        after = state
        for fact in facts:
            after = hh.evolve(after, fact.event_type, fact.data)
        result["state"] = after
        return events(
            facts, ctx, actor, state.residence, household_id=str(household_id), programme=state.programme
        )

    async def run(c: Connection) -> None:
        before = await ctx.households.load(stream, must_exist=False, conn=c)
        await ctx.households.handle(stream, decide_events, must_exist=False, conn=c)
        after = result.get("state", before.state)
        if after.status in hh.CLOSED and before.state.status not in hh.CLOSED:
            await c.execute("DELETE FROM enrolments WHERE case_id = $1", household_id)

    if conn is not None:
        await run(conn)
    else:
        async with ctx.store.pool.acquire() as own, own.transaction():
            await run(own)
    if "state" not in result:
        return (await ctx.households.load(stream, must_exist=False)).state
    return result["state"]


async def record_step(
    ctx: Context, actor: Actor, household_id: uuid.UUID, step: Step, passed: bool, notes: str
) -> Household:
    return await _decide_household(
        ctx,
        actor,
        household_id,
        lambda s: hh.record_step(s, step, passed=passed, by=actor.name, details={"notes": notes}),
    )


async def post_notice(ctx: Context, actor: Actor, household_id: uuid.UUID) -> Household:
    standards = await load_standards(ctx.store)
    now = ctx.clock.now()
    return await _decide_household(
        ctx, actor, household_id, lambda s: hh.post_notice(s, posted_at=now, standards=standards)
    )


async def raise_objection(
    ctx: Context, actor: Actor, household_id: uuid.UUID, objection_id: str, summary: str
) -> Household:
    now = ctx.clock.now()
    return await _decide_household(
        ctx,
        actor,
        household_id,
        lambda s: hh.raise_objection(s, objection_id=objection_id, summary=summary, at=now),
    )


async def resolve_objection(
    ctx: Context, actor: Actor, household_id: uuid.UUID, objection_id: str, upheld: bool, resolution: str
) -> Household:
    return await _decide_household(
        ctx,
        actor,
        household_id,
        lambda s: hh.resolve_objection(
            s, objection_id=objection_id, upheld=upheld, resolution=resolution, by=actor.name
        ),
    )


async def approve(
    ctx: Context, actor: Actor, household_id: uuid.UUID, classification: str | None
) -> Household:
    standards = await load_standards(ctx.store)
    now = ctx.clock.now()
    return await _decide_household(
        ctx,
        actor,
        household_id,
        lambda s: hh.approve(
            s, now=now, standards=standards, approved_by=actor.name, classification=classification
        ),
    )


async def reject(ctx: Context, actor: Actor, household_id: uuid.UUID, reason: str) -> Household:
    return await _decide_household(
        ctx, actor, household_id, lambda s: hh.reject(s, reason=reason, by=actor.name)
    )


async def recheck(ctx: Context, actor: Actor, household_id: uuid.UUID, incomes: dict[str, int]) -> Household:
    standards = await load_standards(ctx.store)
    now = ctx.clock.now()
    return await _decide_household(
        ctx,
        actor,
        household_id,
        lambda s: hh.recheck(s, incomes=incomes, now=now, standards=standards, by=actor.name),
    )


async def suspend(ctx: Context, actor: Actor, household_id: uuid.UUID, reason: str) -> Household:
    return await _decide_household(
        ctx, actor, household_id, lambda s: hh.suspend(s, reason=reason, by=actor.name)
    )


async def resume(ctx: Context, actor: Actor, household_id: uuid.UUID) -> Household:
    return await _decide_household(ctx, actor, household_id, lambda s: hh.resume(s, by=actor.name))


async def withdraw(ctx: Context, actor: Actor, household_id: uuid.UUID, reason: str) -> Household:
    return await _decide_household(ctx, actor, household_id, lambda s: hh.withdraw(s, reason=reason))


# ------------------------------------------------------------------------------ payments


def payment_id(case: uuid.UUID, period: Period) -> uuid.UUID:
    """The one id of the payment for a case and a month: paying twice is impossible by construction.

    It is ``uuid.uuid5(NAMESPACE, f"payment/{case}/{period}")``, computed without the standard
    library's per-call import (half the time; a payment run computes 100,000 of them)."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + f"payment/{case}/{period}".encode(), usedforsecurity=False)
    return uuid.UUID(bytes=digest.digest()[:16], version=5)


_NAMESPACE_BYTES = NAMESPACE.bytes


@functools.lru_cache(maxsize=4096)
def _metadata(correlation_id: uuid.UUID | None, actor: str, jurisdiction: str) -> EventMetadata:
    # immutable, and the same for every payment of a run in one village
    return EventMetadata(correlation_id=correlation_id, actor=actor, jurisdiction=jurisdiction)


def payment_event(
    ctx: Context,
    actor: Actor,
    *,
    case: uuid.UUID,
    programme: str,
    period: Period,
    amount: int,
    standard: Standard,
    residence: str,
    run_id: uuid.UUID | None,
    household: bool,
    at: datetime | None = None,
) -> tuple[str, list[NewEvent]]:
    """The payment's stream and event; ``at`` defaults to now (a run passes its own start time)."""
    pid = payment_id(case, period)
    data = {
        "payment_id": str(pid),
        "programme": programme,
        "household_id": str(case) if household else None,
        "case_id": str(case),
        "period": str(period),
        "amount_fen": amount,
        "standard_id": standard.standard_id,
        "run_id": str(run_id) if run_id else None,
        "residence": residence,
    }
    meta = _metadata(actor.correlation_id, actor.name, residence)
    event = NewEvent(
        event_id=pid,
        event_type="PaymentIssued",
        data=data,
        occurred_at=at or ctx.clock.now(),
        metadata=meta,
    )
    return f"payment-{case}-{period}", [event]


async def pay_household(
    ctx: Context, actor: Actor, household_id: uuid.UUID, period: Period
) -> dict[str, Any]:
    """Pay one household for one month (a back payment, or a month the run missed)."""
    loaded = await ctx.households.load(household_stream(household_id), must_exist=False)
    state = loaded.state
    if state.status == Status.NONE:
        raise NotFound("unknown_household", f"no household {household_id}", field="household_id")
    if state.status != Status.ACTIVE:
        raise Conflict(
            "not_payable", f"the household is {state.status.value}: it is not paid", field="household_id"
        )
    due = state.amount_for(period, await load_standards(ctx.store))
    if due is None or due[0] <= 0:
        raise Conflict("nothing_due", f"nothing is due for {period}", field="period")
    amount, standard = due
    stream, new = payment_event(
        ctx,
        actor,
        case=household_id,
        programme=state.programme,
        period=period,
        amount=amount,
        standard=standard,
        residence=state.residence,
        run_id=None,
        household=True,
    )
    created = await ctx.store.create_streams_once("payment", [(stream, new)])
    return {
        "payment_id": str(payment_id(household_id, period)),
        "amount_fen": amount,
        "already_paid": not created,
    }
