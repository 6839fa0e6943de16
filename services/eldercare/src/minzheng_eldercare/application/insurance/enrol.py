"""The enrolment of a policy year (老年人意外伤害保险): every registered elder living and resident in
the county, aged at least ``insurance.min_age`` on the year's 1 January, enrolled once, the premium
``insurance.premium`` in force that day for the elder's residence paid by the state.

On the kit's exactly-once payment streams: one ``AccidentInsuranceEnrolled`` per (elder, year),
stream ``payment-insurance-<elder>-<year>`` (stream type ``insurance``), event id
``uuid5(NAMESPACE, f"payment/insurance-{elder}/{year}")``; a rerun, or one resumed after a crash,
adds nobody twice. The register is where it *selects* from (the roll, brought up to date); a
summary ``InsuranceEnrolmentCompleted`` goes to ``insurance-enrolment-<year>``.
"""

from __future__ import annotations

import functools
import uuid

from minzheng_eventstore import ANY_VERSION, Actor
from minzheng_eventstore import payments as runtime
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.payments import BATCH, RunResult
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError, Forbidden
from minzheng_kernel.standards import Standard, StandardsTable

from ...domain.allowance.parameters import Parameter
from ...domain.insurance.eligibility import NotEnrolled, enrolment, policy_day
from ...domain.insurance.events import AccidentInsuranceEnrolled, InsuranceEnrolmentCompleted
from ..configuration import standards_table
from ..payments import roll_reads

NAMESPACE = uuid.UUID("8d2e4b71-0c3f-5a96-b1e8-5f4a2c7d9e20")
"""The namespace of the premiums' ids (never change it)."""
STREAM_TYPE = "insurance"
DEFAULT_MIN_AGE = 70
"""Where no ``insurance.min_age`` is set: 70 (F0 L221)."""


def case(elder_id: str) -> str:
    return f"insurance-{elder_id}"


def run_stream(year: int) -> str:
    return f"insurance-enrolment-{year}"


def check_year(year: int, ctx: ServiceContext) -> None:
    """Refuse (422 ``policy_year_too_far``) a policy year after next year."""
    current = local_date(ctx.clock.now()).year
    if year > current + 1:
        raise DomainError(
            "policy_year_too_far",
            f"policy year {year} is more than a year ahead of {current}",
            field="policy_year",
        )


async def enrol(ctx: ServiceContext, actor: Actor, year: int, *, batch: int = BATCH) -> RunResult:
    """Enrol every elder due for ``year`` once. 422 ``policy_year_too_far``, and
    ``no_standard_in_force`` (no premium for the county on 1 January) before anything is written;
    403 ``outside_jurisdiction`` for a caller whose division is not the whole county."""
    if not actor.within(ctx.county):
        raise Forbidden(
            "outside_jurisdiction",
            f"the enrolment covers the whole county {ctx.county}: this caller's division does not",
            field="policy_year",
        )
    check_year(year, ctx)
    day = policy_day(year)
    table: StandardsTable = await ctx.run(actor, standards_table)
    table.in_force(Parameter.INSURANCE_PREMIUM.value, ctx.county, day)  # refused before anything

    @functools.cache
    def premium(place: str) -> Standard:
        return table.in_force(Parameter.INSURANCE_PREMIUM.value, place, day)

    @functools.cache
    def min_age(place: str) -> int:
        return table.value_or(Parameter.INSURANCE_MIN_AGE.value, place, day, DEFAULT_MIN_AGE)

    register = await roll_reads.register(ctx)
    run = runtime.MonthlyRun(
        ctx.store, ctx.builder(actor), namespace=NAMESPACE, period=year, stream_type=STREAM_TYPE, batch=batch
    )
    for elder in register:
        age = enrolment(elder, year, min_age(elder.residence))
        if isinstance(age, NotEnrolled):
            run.skip(age.value)
            continue
        standard = premium(elder.residence)
        if standard.value <= 0:
            run.skip("no_premium")
            continue
        pid = run.payment_id(case(elder.elder_id))
        fact = AccidentInsuranceEnrolled(
            payment_id=str(pid),
            elder_id=elder.elder_id,
            policy_year=year,
            age=age,
            premium_fen=standard.value,
            standard_id=standard.standard_id,
            run_id=str(run.run_id),
            residence=elder.residence,
            beneficiary=elder.person,
        )
        await run.pay(
            case(elder.elder_id), fact, event_id=pid, amount_fen=standard.value, jurisdiction=elder.residence
        )
    result = await run.finish()
    summary = InsuranceEnrolmentCompleted(
        run_id=result.run_id,
        policy_year=year,
        considered=result.considered,
        enrolled=result.paid,
        already_enrolled=result.already_paid,
        total_fen=result.total_fen,
        skipped=dict(result.skipped),
    )

    async def record(uow: UnitOfWork) -> None:
        built = uow.builder.build([summary], jurisdiction=ctx.county)
        await uow.append(run_stream(year), "insurance_enrolment", built, expected_version=ANY_VERSION)

    await ctx.run(actor, record)
    return result


__all__ = ["NAMESPACE", "STREAM_TYPE", "case", "check_year", "enrol", "run_stream"]
