"""The eldercare daily start and band check (每日核定) over many registered elders, timed.

``python -m minzheng_bench.eldercare_check [N]`` (default 500,000) prints the rows alone on its own
embedded stack; ``make bench`` runs them among the others (``rows``). The elders (aged 60 to 105,
in six villages, registered over the last year) are seeded as the allowance area records them:
``ElderRegistered`` and, for those in a band, the ``AllowanceStarted`` the pure check decides, on
``elder-<pseudonym>`` through ``create_streams_once``, their ``allowance_elders`` rows by COPY, and
the standards' fingerprint of the seeded month; set-up speed is not what is measured. Then the
service's ``check_allowances`` is timed on the first day of the next month (the elders reaching a
threshold: starts, band changes, the others rescheduled), on the second day (the proofs of life
registered a year before lapse) and on the second day again (nothing to do); then, beside the
target, the rare full pass: the first check after the allowance's standards changed (a raise of
80–89 from 1 May) looks at every open elder.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import EventMetadata, NewEvent
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import ServiceSettings

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import Row

VILLAGES = tuple(f"33072710{i}201" for i in range(1, 7))
SEEDED_ON = date(2026, 3, 15)
FIRST_DAY = date(2026, 4, 1)
SECOND_DAY = date(2026, 4, 2)
RAISED_ON = date(2026, 5, 1)
"""A raise of 80–89 in force from here: the standards changed, so the check is a full pass."""
PSEUDONYM_KEY = "benchmark-key-not-a-secret"
ELDERS = 500_000
TARGET = "≤ 5 s"


async def seed_elders(ctx: ServiceContext, count: int, *, batch: int = 5000) -> None:
    """``count`` elders, as the registration and a check of ``SEEDED_ON`` would leave them."""
    from minzheng_eldercare.application.allowance import rows as r
    from minzheng_eldercare.application.allowance.check import fingerprint
    from minzheng_eldercare.application.allowance.streams import PERSON_PURPOSE
    from minzheng_eldercare.domain.allowance import elder as d
    from minzheng_eldercare.domain.allowance.terms import next_change, terms_for
    from minzheng_eventstore.standards import load_standards
    from minzheng_kernel.standards import Standard, StandardsTable

    async with ctx.store.pool.acquire() as conn:
        table = StandardsTable(
            Standard(s.parameter, s.jurisdiction, s.effective_from, s.value)
            for s in await load_standards(conn)
        )
    period = Period.of(SEEDED_ON)
    terms = {v: terms_for(table, v, period) for v in VILLAGES}
    at = datetime(2026, 3, 14, 17, 0, tzinfo=UTC)
    streams: list[tuple[str, list[NewEvent]]] = []
    records: list[tuple[Any, ...]] = []

    async def flush() -> None:
        await ctx.store.create_streams_once("elder", streams)
        async with ctx.store.pool.acquire() as conn:
            await conn.copy_records_to_table(
                "allowance_elders", records=records, columns=r.COLUMNS.split(", ")
            )
        streams.clear()
        records.clear()

    span = 45 * 365.25
    for n in range(count):
        born = SEEDED_ON - timedelta(days=int(60 * 365.25 + span * n / count))
        resident = make_resident_id("330727", born, n % 999 + 1).reveal()
        eid = ctx.pseudonyms.token(PERSON_PURPOSE, resident)
        village = VILLAGES[n % len(VILLAGES)]
        registered = SECOND_DAY - timedelta(days=365 - n % 348)  # 2025-04-02 .. 2026-03-15
        facts = d.register(
            d.Elder(),
            elder_id=eid,
            person=resident,
            born=born,
            residence=village,
            registered_on=registered,
            source="roll_import",
            dibao=n % 10 == 0,
            monthly_income_fen=None,
        )
        state = d.apply(d.Elder(), facts)
        started = d.check(state, terms[village], on=SEEDED_ON)
        state = d.apply(state, started)
        meta = EventMetadata(actor="bulk-seed", jurisdiction=village)
        built = [
            NewEvent(event_type=f.event_type, data=f.to_data(), occurred_at=at, metadata=meta)
            for f in (*facts, *started)
        ]
        streams.append((f"elder-{eid}", built))
        records.append(r.values(state, next_change(born, period, terms[village].rule)))
        if len(streams) >= batch:
            await flush()
    if streams:
        await flush()
    async with ctx.store.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO allowance_check_state (id, fingerprint, period) VALUES (1, $1, $2) "
            "ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
            fingerprint(table, Period.of(FIRST_DAY)),
            str(period),
        )
        await conn.execute("ANALYZE allowance_elders")


async def daily_check(database_url: str, nats_url: str, count: int) -> dict[str, Any]:
    """Seed ``count`` elders, then time the check of the first day of the month, of the second,
    and of the second again."""
    from minzheng_eldercare.application.allowance.check import check_allowances
    from minzheng_eldercare.application.configuration import PARAMETERS, load_county_standards
    from minzheng_eldercare.entrypoints.app import Eldercare
    from minzheng_eventstore import Actor
    from minzheng_eventstore.standards import set_standard

    settings = ServiceSettings("eldercare", database_url, nats_url, pseudonym_key=PSEUDONYM_KEY)
    service = Eldercare(settings, clock=SystemClock(), scheduler=False)
    await service.host.migrate()
    async with service.host.running(consume=False, relay=False, project=False):
        ctx = service.context()
        await load_county_standards(ctx)
        t = time.perf_counter()
        await seed_elders(ctx, count)
        seeded = time.perf_counter() - t
        out: dict[str, Any] = {"elders": count, "seed_s": seeded}
        for name, on in (("first", FIRST_DAY), ("second", SECOND_DAY), ("again", SECOND_DAY)):
            t = time.perf_counter()
            report = await check_allowances(ctx, on)
            out[f"{name}_s"] = time.perf_counter() - t
            out[name] = report
        await set_standard(
            ctx,
            Actor("bench"),
            parameter=PARAMETERS["allowance.band.80"],
            jurisdiction="330727",
            effective_from=RAISED_ON,
            value=13_000,
        )
        t = time.perf_counter()
        out["raised"] = await check_allowances(ctx, RAISED_ON)
        out["raised_s"] = time.perf_counter() - t
    return out


async def rows(stack: EmbeddedStack, console: Console, n: int = ELDERS) -> list[Row]:
    """The eldercare daily check's rows: the first day of a month, the second, the second again."""
    from .__main__ import Row, _database

    console.log(f"eldercare: daily start and band check, {n:,} registered elders")
    run = await daily_check(await _database(stack, "allowancecheck", store=False), stack.nats_admin_url, n)
    first, second, again, raised = run["first"], run["second"], run["again"], run["raised"]
    assert not first.full_pass and again.decided == 0 and raised.full_pass, run
    console.log(
        f"eldercare check: seeded in {run['seed_s']:.0f} s; 1st: {first.selected:,} selected, "
        f"{first.decided:,} decided ({first.started:,} started, {first.band_changed:,} band changes); "
        f"2nd: {second.selected:,} selected, {second.proof_lapsed:,} proofs lapsed; full pass: "
        f"{raised.selected:,} selected, {raised.decided:,} decided, {raised.band_changed:,} band changes"
    )
    return [
        Row(
            f"daily check {n:,} elders: 1st of the month ({first.decided:,} decided)",
            run["first_s"],
            "s",
            target=TARGET,
        ),
        Row(
            f"daily check {n:,} elders: 2nd ({second.decided:,} decided)", run["second_s"], "s", target=TARGET
        ),
        Row(f"daily check {n:,} elders: 2nd again (nothing to do)", run["again_s"], "s", target=TARGET),
        Row(f"daily check {n:,} elders: full pass after a standards change", run["raised_s"], "s"),
    ]


async def _main(count: int) -> None:
    import shutil

    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import render

    console = Console()
    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    try:
        found = await rows(stack, console, count)
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)
    render(found, console, f"eldercare: daily check over {count:,} elders")


if __name__ == "__main__":
    # python -m minzheng_bench.eldercare_check [N]: the daily check's rows alone, on their own stack
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else ELDERS))
