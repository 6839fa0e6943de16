"""The death area's demo data.

- The demo's one case across services: ``CASE_PERSON`` (the same resident ID in the assistance,
  eldercare and registry demos), a 90-year-old 在乡复员军人 of village 330727101201 with a periodic
  pension (定期定量补助) approved a year and a half ago. The registry's demo registers the person's
  death: under ``make run`` its ``DeathRegistered`` reaches this service's ``veterans-deaths-v1``,
  which ends the pension and opens the death case, in the death's correlation.
- Two deaths of this service's own (the registry's demo does not know these persons; their
  ``DeathRegistered`` is built here and taken by the same policy as one from NATS), both paid by
  the pension run for the two months before this one:
  - ``ILL_DISABLED``, a 因病 grade-1 disabled serviceman who died last month: paid through the
    month of death (no overpayment), his funeral subsidy (12 months of his pension) determined,
    the payee recorded and paid;
  - ``SURVIVOR``, a 病故军人遗属 on 定期抚恤金 who died the month before last: last month's pension
    overpaid, its recovery task open with a first repayment recorded (receipt ``DEMO-JK-0001``);
    her funeral subsidy (6 months) determined, awaiting its payee.

Idempotent: a person recognised already is left as is, a death whose case is open is not taken
again, and the payments, payee and repayment are done only where the case is new."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from minzheng_contracts import DeathRegistered, DeathRegisteredData, Period, ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.death import handlers as dh
from ...application.death.policy import on_death_registered
from ...application.death.streams import CASE, case_id, case_stream
from ...application.entitlement import handlers as h
from ...application.entitlement.queries import entitled
from ...application.entitlement.streams import ENTITLEMENT, entitlement_stream, person_token
from ...application.pensions.run import run_pensions
from ...domain.death import case as c
from ...domain.entitlement import entitlement as e
from ...domain.entitlement.categories import Category, Terms, terms

CASE_PERSON = make_resident_id("330727", date(1936, 3, 15), 718)
CASE_VILLAGE = "330727101201"

ILL_DISABLED = make_resident_id("330727", date(1949, 6, 1), 431)
SURVIVOR = make_resident_id("330727", date(1941, 9, 9), 512)
DEATH_VILLAGE = "330727102201"
SEED = Actor("demo-seed")
DEMO_NAMESPACE = uuid.UUID("a3d5c0de-5eed-4d0a-9c1e-76657465726e")


async def _recognised(ctx: ServiceContext, who: ResidentId, t: Terms, approved: date) -> None:
    with contextlib.suppress(Conflict):  # one entitlement per person and category, for good
        await h.recognise(ctx, SEED, resident_id=who, residence=DEATH_VILLAGE, terms=t, approved_on=approved)


async def _case(ctx: ServiceContext, who: ResidentId) -> c.Case:
    cid = case_id(person_token(ctx.pseudonyms, who))

    async def unit(uow: UnitOfWork) -> c.Case:
        return await uow.load(CASE, case_stream(cid))

    return await ctx.run(SEED, unit)


async def _entitlement(ctx: ServiceContext, who: ResidentId) -> e.Entitlement:
    """The person's one demo entitlement (the guard table names it)."""
    person = person_token(ctx.pseudonyms, who)

    async def unit(uow: UnitOfWork) -> e.Entitlement:
        eid = await uow.conn.fetchval(
            "SELECT entitlement_id FROM veterans_entitlements WHERE person_token = $1", person
        )
        return await uow.load(ENTITLEMENT, entitlement_stream(eid))

    return await ctx.run(SEED, unit)


async def _dies(ctx: ServiceContext, who: ResidentId, on: date) -> c.Case:
    death = DeathRegistered.new(
        data=DeathRegisteredData(
            registration_id=uuid.uuid5(DEMO_NAMESPACE, f"registration-{who.reveal()[-4:]}-{on}"),
            deceased=who,
            date_of_death=on,
            place=DEATH_VILLAGE,
            registered_at=ctx.clock.now(),
        ),
        producer="registry",
        jurisdiction=DEATH_VILLAGE,
    )

    async def unit(uow: UnitOfWork) -> None:
        await on_death_registered(ctx, death, uow)

    await ctx.run(Actor("registry-policy"), unit)
    return await _case(ctx, who)


async def seed_demo(ctx: ServiceContext) -> None:
    today = local_date(ctx.clock.now())
    approved = today - timedelta(days=540)
    with contextlib.suppress(Conflict):
        await h.recognise(
            ctx,
            SEED,
            resident_id=CASE_PERSON,
            residence=CASE_VILLAGE,
            terms=terms(Category.DEMOBILISED, Period.of(approved)),
            approved_on=approved,
        )
    on_from = Period.of(approved)
    await _recognised(
        ctx, ILL_DISABLED, terms(Category.DISABLED, on_from, nature="illness", grade=1), approved
    )
    await _recognised(ctx, SURVIVOR, terms(Category.SURVIVOR, on_from, survivor="illness"), approved)
    if (await _case(ctx, ILL_DISABLED)).case_id is not None:
        return  # seeded before: the deaths are taken
    last = Period.of(today).previous()
    before = last.previous()
    roll = [entitled(await _entitlement(ctx, who)) for who in (ILL_DISABLED, SURVIVOR)]
    for period in (before, last):
        await run_pensions(ctx, SEED, period, roll=roll)
    disabled = await _dies(ctx, ILL_DISABLED, last.first_day + timedelta(days=4))
    assert disabled.case_id is not None
    await dh.record_payee(ctx, SEED, disabled.case_id, name="王桂兰", relation=c.Relation.SPOUSE)
    await dh.pay(ctx, SEED, disabled.case_id)
    survivor = await _dies(ctx, SURVIVOR, before.first_day + timedelta(days=9))
    [overpaid] = survivor.overpayments
    await dh.record_repayment(
        ctx,
        SEED,
        overpaid.recovery_task_id,
        receipt="DEMO-JK-0001",
        amount_fen=min(10_000, overpaid.amount_fen),
        repaid_on=today,
        note="家属退回一部分 (demo)",
    )
