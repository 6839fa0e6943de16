"""Handlers for 特困 support, temporary aid and medical aid."""

from __future__ import annotations

import uuid
from datetime import date

from minzheng_eventstore.errors import Conflict, NotFound

from ..domain import other_aid as aid
from ..domain.facts import Fact
from .handlers import TEKUN_GROUP, Actor, Context, events, load_standards, require_division


async def confirm_tekun(
    ctx: Context, actor: Actor, *, case_id: uuid.UUID, person: str, residence: str, mode: aid.SupportMode
) -> uuid.UUID:
    await require_division(ctx, residence, "residence")
    facts = aid.confirm_tekun(
        aid.TekunSupport(),
        person=person,
        residence=residence,
        mode=mode,
        confirmed_by=actor.name,
        at=ctx.clock.now(),
    )
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        taken = await conn.fetchval(
            "SELECT case_id FROM enrolments WHERE grp = $1 AND resident_id = $2", TEKUN_GROUP, person
        )
        if taken == case_id:
            return case_id
        if taken is not None:
            raise Conflict(
                "person_already_supported", "this person already has a 特困 support case", field="person"
            )
        await conn.execute(
            "INSERT INTO enrolments (resident_id, grp, case_id) VALUES ($1, $2, $3)",
            person,
            TEKUN_GROUP,
            case_id,
        )
        await ctx.store.append(
            f"tekun-{case_id}",
            "tekun",
            0,
            events(facts, ctx, actor, residence, case_id=str(case_id)),
            conn=conn,
        )
    return case_id


async def change_tekun_mode(ctx: Context, actor: Actor, case_id: uuid.UUID, mode: aid.SupportMode) -> None:
    stream = f"tekun-{case_id}"

    def decide(state: aid.TekunSupport, version: int):  # type: ignore[no-untyped-def]
        if version == 0:
            raise NotFound("unknown_case", f"no 特困 case {case_id}", field="case_id")
        return events(
            aid.change_mode(state, mode=mode, by=actor.name),
            ctx,
            actor,
            state.residence,
            case_id=str(case_id),
        )

    await ctx.tekun.handle(stream, decide, must_exist=False)


async def grant_temporary_aid(
    ctx: Context,
    actor: Actor,
    *,
    grant_id: uuid.UUID,
    beneficiary: str,
    residence: str,
    cause: aid.AidCause,
    amount_fen: int,
) -> None:
    await require_division(ctx, residence, "residence")
    standards = await load_standards(ctx.store)
    today = ctx.clock.now().date()
    facts = aid.grant_temporary_aid(
        beneficiary=beneficiary,
        residence=residence,
        cause=cause,
        amount_fen=amount_fen,
        on=today,
        standards=standards,
    )
    new = events(facts, ctx, actor, residence, grant_id=str(grant_id))
    await ctx.store.append(
        f"temporary-{grant_id}", "temporary_aid", 0, [new[0].model_copy(update={"event_id": grant_id})]
    )


async def claim_medical_aid(
    ctx: Context,
    actor: Actor,
    *,
    claim_id: str,
    beneficiary: str,
    residence: str,
    receipts: list[aid.Receipt],
) -> dict[str, object]:
    await require_division(ctx, residence, "residence")
    standards = await load_standards(ctx.store)
    today: date = ctx.clock.now().date()
    stream = f"medical-{beneficiary}-{today.year}"
    outcome: list[Fact] = []

    def decide(state: aid.MedicalYear, version: int):  # type: ignore[no-untyped-def]
        facts = aid.claim_medical_aid(
            state,
            claim_id=claim_id,
            beneficiary=beneficiary,
            residence=residence,
            receipts=receipts,
            on=today,
            standards=standards,
        )
        outcome[:] = facts
        return events(facts, ctx, actor, residence)

    await ctx.medical.handle(stream, decide, must_exist=False)
    if not outcome:
        raise Conflict("claim_already_paid", f"claim {claim_id} was already paid", field="claim_id")
    return dict(outcome[0].data)
