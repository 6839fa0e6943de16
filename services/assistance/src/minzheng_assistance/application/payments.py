"""The monthly payment run (按月发放): one ``PaymentIssued`` per active case per month, exactly once.

Each payment is the first event of its own stream ``payment-<case>-<YYYY-MM>`` with a deterministic
event id, written in batches with ``create_streams_once``: a repeated run, or a run resumed after a
crash halfway, finds the streams already there and pays nobody twice. The cases come from the
read model, brought up to date first; the amount of each month comes from the case's basis and the
standard in force in that month, and the payment names that standard.
"""

from __future__ import annotations

import functools
import time
import uuid
from dataclasses import dataclass, field

from minzheng_contracts import Period
from minzheng_eventstore import ANY_VERSION, NewEvent, jsoncodec
from minzheng_eventstore.projection import Projection

from ..domain.amounts import monthly_amount
from ..domain.facts import Fact
from ..domain.household import Basis
from ..domain.other_aid import MODE_PARAMETER, SupportMode
from ..domain.standards import Parameter, Standard, StandardsTable
from .handlers import Actor, Context, events, load_standards, payment_event

BATCH = 2000


@dataclass
class RunResult:
    run_id: str
    period: str
    considered: int = 0
    paid: int = 0
    already_paid: int = 0
    total_fen: int = 0
    seconds: float = 0.0
    skipped: dict[str, int] = field(default_factory=dict)


_period = functools.lru_cache(maxsize=1024)(Period.parse)


def _basis_for(bases: list[dict[str, object]], period: Period) -> Basis | None:
    current = [
        Basis(
            _period(str(b["effective_from"])),
            int(str(b["members"])),
            int(str(b["per_capita_income_fen"])),
        )
        for b in bases
        if _period(str(b["effective_from"])) <= period
    ]
    return max(current, key=lambda b: b.effective_from) if current else None


async def run_payments(
    ctx: Context, actor: Actor, period: Period, *, projection: Projection | None = None, batch: int = BATCH
) -> RunResult:
    started = time.perf_counter()
    if projection is not None:
        await projection.catch_up()
    table = await load_standards(ctx.store)
    # one lookup per (parameter, place) in a run, not per case: a county has thousands of cases
    # per village and one standard for them all
    in_force = functools.lru_cache(maxsize=None)(
        lambda parameter, place: _in_force(table, parameter, place, period)
    )
    run_id = uuid.uuid4()
    at = ctx.clock.now()  # every payment of the run is issued at the run's start
    result = RunResult(str(run_id), str(period))
    pending: list[tuple[str, list[NewEvent]]] = []

    async def flush() -> None:
        if not pending:
            return
        created = await ctx.store.create_streams_once("payment", pending)
        result.paid += len(created)
        result.already_paid += len(pending) - len(created)
        for stream, batch_events in pending:
            if stream in created:
                result.total_fen += int(batch_events[0].data["amount_fen"])
        pending.clear()

    async with ctx.store.pool.acquire() as conn:
        households = await conn.fetch(
            "SELECT household_id, programme, category, residence, bases::text AS bases FROM households "
            "WHERE status = 'active'"
        )
        tekun = await conn.fetch("SELECT case_id, residence, mode FROM tekun_cases WHERE active")
    parameters = {"urban": "dibao_urban", "rural": "dibao_rural"}
    for row in households:
        result.considered += 1
        basis = _basis_for(jsoncodec.loads(row["bases"]), period)
        if basis is None:
            result.skipped["not_yet_effective"] = result.skipped.get("not_yet_effective", 0) + 1
            continue
        standard = in_force(parameters[row["category"]], row["residence"])
        amount = monthly_amount(standard.value, basis.per_capita_income_fen, basis.members)
        if amount <= 0:
            result.skipped["nothing_due"] = result.skipped.get("nothing_due", 0) + 1
            continue
        pending.append(
            payment_event(
                ctx,
                actor,
                case=row["household_id"],
                programme=row["programme"],
                period=period,
                amount=amount,
                standard=standard,
                residence=row["residence"],
                run_id=run_id,
                household=True,
                at=at,
            )
        )
        if len(pending) >= batch:
            await flush()
    for row in tekun:
        result.considered += 1
        standard = in_force(MODE_PARAMETER[SupportMode(row["mode"])].value, row["residence"])
        pending.append(
            payment_event(
                ctx,
                actor,
                case=row["case_id"],
                programme="tekun",
                period=period,
                amount=standard.value,
                standard=standard,
                residence=row["residence"],
                run_id=run_id,
                household=False,
                at=at,
            )
        )
        if len(pending) >= batch:
            await flush()
    await flush()
    result.seconds = time.perf_counter() - started
    summary = Fact("PaymentRunCompleted", {k: v for k, v in result.__dict__.items() if k != "seconds"})
    await ctx.store.append(
        f"payment-run-{period}", "payment_run", ANY_VERSION, events([summary], ctx, actor, ctx.county)
    )
    return result


def _in_force(standards: StandardsTable, parameter: str, place: str, period: Period) -> Standard:
    return standards.in_force(Parameter(parameter), place, period.first_day)
