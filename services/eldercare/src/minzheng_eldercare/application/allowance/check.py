"""The daily start and band check (每日核定), at 00:00 +08:00 every day and on
``POST /allowance-checks``: for the period containing ``on``, every elder whose allowance should
start, change band, lapse for a missed proof of life or change eligibility gets its events.

It scales by selecting, not by reading: ``allowance_elders.next_due`` (kept by the units) says
which elders have something to look at in a period (a threshold reached, a registration, a move,
a proof), and ``last_proof`` which ones may have a proof falling due. Only when the allowance's
standards in force change (a new row, a raise, a threshold added, eligibility, the start rule:
their fingerprint differs from the last full pass) does the check look at every open elder. Each
selected row is run through the same pure decision (``elder.check``) on the row's state first;
only the elders it would change are loaded and decided on their streams (load → decide → append,
a batch per transaction, retried whole on a conflict); the others only move ``next_due`` on.
A second check of the same day finds nothing to do."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date

import structlog

from minzheng_contracts.period import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import load_standards
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.standards import Standard, StandardsTable

from ...domain.allowance import elder as d
from ...domain.allowance.parameters import Parameter
from ...domain.allowance.terms import DEFAULT_PROOF_MONTHS, Terms, add_months, next_change, terms_for
from . import rows, sweep
from .streams import ELDER, elder_stream

log = structlog.get_logger("eldercare.allowance.check")

CHECKER = Actor("allowance-check")
BATCH = 250
"""Elders decided per transaction."""
LANES = 4
"""Transactions of the check at once (distinct elders: they never conflict with each other)."""

_DUE = (
    f"SELECT {rows.COLUMNS}, revision FROM allowance_elders "
    "WHERE status IN ('pending', 'active', 'suspended') "
    "AND (next_due <= $1 OR (NOT proof_lapsed AND last_proof <= $2))"
)


@dataclass(frozen=True, slots=True)
class CheckReport:
    on: date
    period: str
    full_pass: bool
    """The standards changed since the last full pass: every open elder was looked at."""
    selected: int
    decided: int
    """Elders loaded and decided on their streams."""
    started: int = 0
    band_changed: int = 0
    suspended: int = 0
    resumed: int = 0
    proof_lapsed: int = 0
    eligibility_changed: int = 0


def fingerprint(table: StandardsTable, period: Period) -> str:
    """The allowance's standards known to be in force by ``period``'s first day."""
    first = period.first_day
    known = sorted(
        (s.parameter, s.jurisdiction, s.effective_from.isoformat(), s.value)
        for s in table
        if s.parameter.startswith("allowance.") and s.effective_from <= first
    )
    return hashlib.sha256(json.dumps(known).encode()).hexdigest()


def _shortest_proof(table: StandardsTable) -> int:
    months = [s.value for s in table if s.parameter == Parameter.PROOF_OF_LIFE_MONTHS.value]
    return min(months, default=DEFAULT_PROOF_MONTHS)


_COUNTED = {
    "AllowanceStarted": "started",
    "AllowanceBandChanged": "band_changed",
    "AllowanceSuspended": "suspended",
    "AllowanceResumed": "resumed",
    "ProofOfLifeLapsed": "proof_lapsed",
    "EligibilityChanged": "eligibility_changed",
}


async def check_allowances(ctx: ServiceContext, on: date, *, batch: int = BATCH) -> CheckReport:
    """Check every elder due in the period containing ``on``; what was done."""
    period = Period.of(on)
    terms: dict[str, Terms] = {}

    def terms_of(place: str) -> Terms:
        found = terms.get(place)
        if found is None:
            found = terms[place] = terms_for(table, place, period)
        return found

    to_decide: list[str] = []
    moved_on: list[tuple[str, int, str]] = []
    async with ctx.store.pool.acquire() as conn:
        table = StandardsTable(
            Standard(r.parameter, r.jurisdiction, r.effective_from, r.value)
            for r in await load_standards(conn)
        )
        seen = fingerprint(table, period)
        full = seen != await conn.fetchval("SELECT fingerprint FROM allowance_check_state WHERE id = 1")
        if full:  # every open elder, decided in the database: only the rows acted on come back
            selected, acting = await sweep.acting(conn, terms_of, period, on)
            for a in acting:
                if a.decide:
                    to_decide.append(a.elder_id)
                else:
                    moved_on.append((a.elder_id, a.revision, a.due))
        else:
            due = await conn.fetch(_DUE, str(period), add_months(on, -_shortest_proof(table)))
            selected = len(due)
            for row in due:
                s = rows.elder_of(row)
                t = terms_of(s.home)
                if d.check(s, t, on=on):
                    to_decide.append(row["elder_id"])
                else:
                    next_due = str(next_change(s.born, period, t.rule))
                    if next_due != row["next_due"]:
                        moved_on.append((row["elder_id"], row["revision"], next_due))
    counts: Counter[str] = Counter()

    async def reschedule(uow: UnitOfWork) -> None:
        await rows.reschedule(uow.conn, moved_on)

    if moved_on:
        await ctx.run(CHECKER, reschedule)

    async def decide(chunk: list[str]) -> Counter[str]:
        async def unit(uow: UnitOfWork) -> Counter[str]:
            done: Counter[str] = Counter()
            saved = []
            for eid in chunk:
                stream = elder_stream(eid)
                state = await uow.load(ELDER, stream)
                t = terms_of(state.home)
                facts = d.check(state, t, on=on)
                after = await uow.record(ELDER, stream, facts, jurisdiction=state.home)
                done.update(_COUNTED[f.event_type] for f in facts if f.event_type in _COUNTED)
                saved.append((after, next_change(after.born, period, t.rule)))
            await rows.save_many(uow.conn, saved)
            return done

        async with lanes:
            return await ctx.run(CHECKER, unit)

    lanes = asyncio.Semaphore(LANES)
    size = max(1, min(batch, -(-len(to_decide) // LANES)))  # every lane busy, none over ``batch``
    chunks = [to_decide[i : i + size] for i in range(0, len(to_decide), size)]
    for done in await asyncio.gather(*(decide(c) for c in chunks)):
        counts += done
    if full:

        async def remember(uow: UnitOfWork) -> None:
            await uow.conn.execute(
                "INSERT INTO allowance_check_state (id, fingerprint, period) VALUES (1, $1, $2) "
                "ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, period = excluded.period",
                seen,
                str(period),
            )

        await ctx.run(CHECKER, remember)
    report = CheckReport(on, str(period), full, selected, len(to_decide), **counts)
    log.info("allowance.checked", **{k: v for k, v in asdict(report).items() if k != "on"}, on=str(on))
    return report


async def check_today(ctx: ServiceContext) -> CheckReport | None:
    """The scheduler's round: the check of today (local date) unless today was checked; the day is
    recorded with its report, so a restart on the same day does not check it again."""
    today = local_date(ctx.clock.now())
    async with ctx.store.pool.acquire() as conn:
        if await conn.fetchval("SELECT 1 FROM allowance_check_days WHERE day = $1", today):
            return None
    report = await check_allowances(ctx, today)

    async def record(uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "INSERT INTO allowance_check_days (day, report) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
            today,
            json.dumps(asdict(report), default=str),
        )

    await ctx.run(CHECKER, record)
    return report


async def run_scheduler(ctx: ServiceContext, stop: asyncio.Event) -> None:
    """Check each day once it has begun (00:00 +08:00), polling every ``scheduler_interval``
    seconds (1 s); errors (a database restart) are logged and retried at the next round."""
    every = float(ctx.options.get("scheduler_interval", 1.0))
    while not stop.is_set():
        try:
            await check_today(ctx)
        except Exception as exc:  # keep the daily check running through outages
            log.warning("allowance.check_retrying", error=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
