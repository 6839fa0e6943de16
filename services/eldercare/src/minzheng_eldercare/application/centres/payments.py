"""Subsidy rounds and the centres' subsidy payments, as units of work.

A round writes its guard rows (``eldercare_round_budget``: one per type, its amount and what is
paid from it, ``CHECK (paid_fen <= amount_fen)``) with its ``SubsidyRoundSet``. A payment is the
first and only event of its stream ``payment-centre-<kind>-<centre>-<reference>`` (stream type
``centre-subsidy``) with a deterministic event id, written through the kit's ``pay_once`` in the
unit's transaction together with its draw on the round's type: a repeat (also a concurrent one)
finds the first payment and returns it (``created`` False), the same key with another amount or
round is refused (409 ``already_paid_differently``), a draw past the type's amount 422
``over_round_amount``; nothing written on a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.host import Migration
from minzheng_eventstore.standards import within_county
from minzheng_eventstore.store import Connection, EventStore
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, DomainError

from ...domain.centres import subsidies as s
from .streams import CENTRE, PAYMENT_TYPE, ROUND, centre_stream, payment_case, payment_id, round_stream

ROUND_BUDGET = Migration(
    "0201_eldercare_centres_round_budget",
    """
    CREATE TABLE IF NOT EXISTS eldercare_round_budget (
        round_id text NOT NULL,
        kind text NOT NULL,
        amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
        paid_fen bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (round_id, kind),
        CHECK (paid_fen >= 0 AND paid_fen <= amount_fen)
    );
    """,
)
"""The guard rows of a round's money by type: inserted by the unit that records
``SubsidyRoundSet``, drawn on by the units that record ``CareCentreSubsidyPaid``."""


async def set_round(
    ctx: ServiceContext,
    actor: Actor,
    *,
    round_id: str,
    year: int,
    total_fen: int,
    amounts: Mapping[s.SubsidyKind, int],
    decided_on: date,
    jurisdiction: str,
) -> tuple[s.SubsidyRound, bool]:
    """Set a round (补助批次); ``(round, created)``."""
    within_county(ctx, jurisdiction, "jurisdiction")
    actor.require_within(jurisdiction, "jurisdiction")
    stream = round_stream(round_id)

    async def unit(uow: UnitOfWork) -> tuple[s.SubsidyRound, bool]:
        state = await uow.load(ROUND, stream)
        facts = s.set_round(
            state,
            round_id=round_id,
            year=year,
            total_fen=total_fen,
            amounts=amounts,
            decided_on=decided_on,
            jurisdiction=jurisdiction,
            today=local_date(ctx.clock.now()),
        )
        if not facts:
            return state, False
        for kind, amount in amounts.items():
            await uow.conn.execute(
                "INSERT INTO eldercare_round_budget (round_id, kind, amount_fen) VALUES ($1, $2, $3)",
                round_id,
                kind.value,
                amount,
            )
        return await uow.record(ROUND, stream, facts, jurisdiction=jurisdiction), True

    return await ctx.run(actor, unit)


async def existing(
    store: EventStore, kind: s.SubsidyKind, centre_id: str, reference: str, conn: Connection
) -> s.CareCentreSubsidyPaid | None:
    """The payment of this business key, if it is made."""
    try:
        events = await store.read_stream(
            runtime.payment_stream(payment_case(kind, centre_id), reference), conn=conn
        )
    except StreamNotFoundError:
        return None
    fact = s.PAYMENT_EVENTS.load(events[0].event_type, events[0].data)
    assert isinstance(fact, s.CareCentreSubsidyPaid)
    return fact


def _same(first: s.CareCentreSubsidyPaid, amount_fen: int, round_id: str) -> s.CareCentreSubsidyPaid:
    if (first.amount_fen, first.round_id) != (amount_fen, round_id):
        raise Conflict(
            "already_paid_differently",
            f"this {first.kind} subsidy ({first.reference}) is paid already as {first.payment_id}: "
            f"{first.amount_fen} fen from round {first.round_id}",
            field="reference",
        )
    return first


async def pay(
    ctx: ServiceContext,
    actor: Actor,
    *,
    centre_id: str,
    kind: s.SubsidyKind,
    reference: str,
    amount_fen: int,
    round_id: str,
    paid_on: date,
) -> tuple[s.CareCentreSubsidyPaid, bool]:
    """Pay one subsidy once per (type, centre, reference); ``(payment, created)``."""
    pid = payment_id(kind, centre_id, reference)

    async def unit(uow: UnitOfWork) -> tuple[s.CareCentreSubsidyPaid, bool]:
        centre = await uow.load(CENTRE, centre_stream(centre_id))
        if centre.exists:
            actor.require_within(centre.division, "centre_id")
        first = await existing(ctx.store, kind, centre_id, reference, uow.conn)
        if first is not None:
            return _same(first, amount_fen, round_id), False
        round_ = await uow.load(ROUND, round_stream(round_id))
        fact = s.pay(
            centre,
            round_,
            payment_id=str(pid),
            kind=kind,
            reference=reference,
            amount_fen=amount_fen,
            paid_on=paid_on,
            today=local_date(ctx.clock.now()),
        )
        created = await runtime.pay_once(
            ctx.store,
            uow.builder,
            case=payment_case(kind, centre_id),
            period=reference,
            fact=fact,
            event_id=pid,
            jurisdiction=centre.division,
            stream_type=PAYMENT_TYPE,
            conn=uow.conn,
        )
        if not created:  # a concurrent payment of the same key committed first
            raced = await existing(ctx.store, kind, centre_id, reference, uow.conn)
            assert raced is not None
            return _same(raced, amount_fen, round_id), False
        drawn = await uow.conn.fetchval(
            "UPDATE eldercare_round_budget SET paid_fen = paid_fen + $3 "
            "WHERE round_id = $1 AND kind = $2 AND paid_fen + $3 <= amount_fen "
            "RETURNING amount_fen - paid_fen",
            round_id,
            kind.value,
            amount_fen,
        )
        if drawn is None:
            raise DomainError(
                "over_round_amount",
                f"round {round_id} has less than {amount_fen} fen of {kind.value} money left",
                field="amount_fen",
            )
        return fact, True

    return await ctx.run(actor, unit)
