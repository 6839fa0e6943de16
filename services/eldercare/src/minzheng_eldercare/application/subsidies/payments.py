"""A private institution's monthly operating subsidy as a unit of work (民办养老机构运营补贴).

The institution's kind and township come from its ``institution_standing`` guard row (inserted by
the institutions area with ``InstitutionRegistered``): no row is 404 ``institution_not_found``,
another kind than ``private`` 422 ``not_private_institution``. The payment is the first and only
event of its stream ``payment-private-<institution>-<YYYY-MM>`` (stream type
``private-subsidy``) with a deterministic id (institution + month), through the kit's
``pay_once``: a repeat, also a concurrent one, returns the first payment (``created`` False); the
same month with other resident-months is refused (409 ``already_paid_differently``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from minzheng_eventstore import Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.standards import standards_table
from minzheng_eventstore.store import Connection, EventStore
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, DomainError, NotFound

from ...domain.subsidies import private as p

NAMESPACE = uuid.UUID("7d2e3f40-5b6c-4d7e-9f80-1b2c3d4e5f60")
PAYMENT_TYPE = "private-subsidy"
PRIVATE = "private"


def case(institution_id: str) -> str:
    return f"private-{institution_id}"


def payment_id(institution_id: str, month: str) -> uuid.UUID:
    """Deterministic: institution + month."""
    return runtime.payment_id(NAMESPACE, case(institution_id), month)


async def existing(
    store: EventStore, institution_id: str, month: str, conn: Connection
) -> p.PrivateInstitutionSubsidyPaid | None:
    try:
        events = await store.read_stream(runtime.payment_stream(case(institution_id), month), conn=conn)
    except StreamNotFoundError:
        return None
    fact = p.PRIVATE_EVENTS.load(events[0].event_type, events[0].data)
    assert isinstance(fact, p.PrivateInstitutionSubsidyPaid)
    return fact


def _same(
    first: p.PrivateInstitutionSubsidyPaid, resident_months: Mapping[str, int]
) -> p.PrivateInstitutionSubsidyPaid:
    paid = {line["care_level"]: line["resident_months"] for line in first.lines}
    asked = {level: n for level, n in resident_months.items() if n}
    if paid != asked:
        raise Conflict(
            "already_paid_differently",
            f"{first.month} is paid already as {first.payment_id}, for other resident-months",
            field="month",
        )
    return first


async def pay(
    ctx: ServiceContext,
    actor: Actor,
    *,
    institution_id: str,
    month: str,
    resident_months: Mapping[str, int],
    stated_total_fen: int | None,
) -> tuple[p.PrivateInstitutionSubsidyPaid, bool]:
    """Pay a private institution's subsidy for a month, once; ``(payment, created)``."""
    pid = payment_id(institution_id, month)

    async def unit(uow: UnitOfWork) -> tuple[p.PrivateInstitutionSubsidyPaid, bool]:
        row = await uow.conn.fetchrow(
            "SELECT kind, township FROM institution_standing WHERE institution_id = $1", institution_id
        )
        if row is None:
            raise NotFound("institution_not_found", "no such registered institution", field="institution_id")
        township: str = row["township"]
        actor.require_within(township, "institution_id")
        if row["kind"] != PRIVATE:
            raise DomainError(
                "not_private_institution",
                f"the operating subsidy is for private institutions; this one is {row['kind']}",
                field="institution_id",
            )
        first = await existing(ctx.store, institution_id, month, uow.conn)
        if first is not None:
            return _same(first, resident_months), False
        fact = p.subsidy(
            await standards_table(uow),
            payment_id=str(pid),
            institution_id=institution_id,
            township=township,
            month=month,
            resident_months=resident_months,
            stated_total_fen=stated_total_fen,
            today=local_date(ctx.clock.now()),
        )
        created = await runtime.pay_once(
            ctx.store,
            uow.builder,
            case=case(institution_id),
            period=month,
            fact=fact,
            event_id=pid,
            jurisdiction=township,
            stream_type=PAYMENT_TYPE,
            conn=uow.conn,
        )
        if not created:
            raced = await existing(ctx.store, institution_id, month, uow.conn)
            assert raced is not None
            return _same(raced, resident_months), False
        return fact, True

    return await ctx.run(actor, unit)
