"""One-off aid grants' units of work (医疗及其他补助): each grant is the first and only event of its
payment stream ``payment-<kind>-<person>-<reference>`` (stream type ``aid-payment``; the person by
pseudonym), written with a deterministic id through the kit's ``pay_once`` in the unit's
transaction: a second grant for the same key, also a concurrent one, is refused (409
``already_paid``) and nothing is written."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict
from minzheng_kernel.standards import StandardsTable

from ...domain.aid import grants as g
from ..configuration import standards_table
from ..conscripts.handlers import in_county

NAMESPACE = uuid.UUID("9a7e5c1d-2b4f-4e6a-8c3d-1f0e2d3c4b5a")
PAYMENT_TYPE = "aid-payment"
PERSON_PURPOSE = "veterans-aid"

Decide = Callable[[StandardsTable, g.Payee, str, date], g.AidGrant]


def grant_case(kind: g.Kind, token: str) -> str:
    return f"{kind.value}-{token}"


async def grant(
    ctx: ServiceContext,
    actor: Actor,
    *,
    kind: g.Kind,
    resident_id: ResidentId,
    residence: str,
    reference: str,
    decide: Decide,
) -> g.AidGrant:
    """Pay one grant of ``kind`` for ``reference`` (the business key's part: a year, a stay, a
    festival and year) once; ``decide`` computes it from the standards, the payee, the payment id
    and today."""
    in_county(ctx, actor, residence, "residence")
    case = grant_case(kind, ctx.pseudonyms.token(PERSON_PURPOSE, resident_id.reveal()))
    pid = runtime.payment_id(NAMESPACE, case, reference)

    async def unit(uow: UnitOfWork) -> g.AidGrant:
        today = local_date(ctx.clock.now())
        fact = decide(await standards_table(uow), g.Payee(resident_id.reveal(), residence), str(pid), today)
        assert fact.reference == reference
        created = await runtime.pay_once(
            ctx.store,
            uow.builder,
            case=case,
            period=reference,
            fact=fact,
            event_id=pid,
            jurisdiction=residence,
            stream_type=PAYMENT_TYPE,
            conn=uow.conn,
        )
        if not created:
            raise Conflict(
                "already_paid", f"this {kind.value} grant is paid already ({reference})", field="reference"
            )
        return fact

    return await ctx.run(actor, unit)
