"""The eldercare monthly allowance run (高龄津贴按月发放) for many elders, timed end to end.

``python -m minzheng_bench.eldercare_run [N]`` (default 60,000) prints the rows alone on its own
embedded stack; ``make bench`` runs them among the others (``rows``). The elders are seeded as the
allowance area records them (``ElderRegistered`` and ``AllowanceStarted`` on ``elder-<id>``), in
batches of ``create_streams_once``, and the roll projection is brought up to date before the clock
starts: set-up speed is not what is measured. The run is the service's ``run_allowances`` over the
roll; the relay runs in a process of its own and another service's consumer of ``PaymentIssued``
v2 in a third (``timed_run``).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor, EventMetadata, NewEvent
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import ServiceSettings

from .timed_run import time_run

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import Row

VILLAGE = "330727101201"
PERIOD = Period(2026, 3)
PSEUDONYM_KEY = "benchmark-key-not-a-secret"
ELDERS = 60_000
TARGET = "≤ 10 s"


async def seed_elders(ctx: ServiceContext, count: int, *, batch: int = 2000) -> None:
    """``count`` elders aged 80–89 in one village, started from 2024-01 in the 80–89 band."""
    from minzheng_eldercare.domain.allowance import events as ev

    at = datetime(2024, 1, 5, 1, 0, tzinfo=UTC)
    meta = EventMetadata(actor="bulk-seed", jurisdiction=VILLAGE)
    streams: list[tuple[str, list[NewEvent]]] = []
    for n in range(count):
        born = date(1936 + n % 8, 1 + n % 12, 1 + n % 28)
        resident = make_resident_id(VILLAGE[:6], born, n % 1000).reveal()
        eid = ctx.pseudonyms.token("eldercare-elder", f"{resident}-{n}")  # distinct per elder
        facts = [
            ev.ElderRegistered(eid, resident, born.isoformat(), VILLAGE, "2024-01-05", "roll_import"),
            ev.AllowanceStarted(
                eid,
                eid,
                resident,
                VILLAGE,
                "80-89",
                80,
                "2024-01",
                10_000,
                "allowance.band.80:330727:2024-01-01",
            ),
        ]
        streams.append(
            (
                f"elder-{eid}",
                [
                    NewEvent(event_type=f.event_type, data=f.to_data(), occurred_at=at, metadata=meta)
                    for f in facts
                ],
            )
        )
        if len(streams) >= batch:
            await ctx.store.create_streams_once("elder", streams)
            streams.clear()
    if streams:
        await ctx.store.create_streams_once("elder", streams)


async def allowance_run(
    database_url: str, consumer_database_url: str, nats_url: str, count: int
) -> dict[str, Any]:
    """Seed ``count`` elders, then time one monthly run: every payment appended, every payment
    published (the relay's durable count), the other process's read model holding all."""
    from minzheng_eldercare.application.configuration import load_county_standards
    from minzheng_eldercare.application.payments import ledger_reads, roll_reads
    from minzheng_eldercare.application.payments.run import run_allowances
    from minzheng_eldercare.entrypoints.app import Eldercare

    settings = ServiceSettings("eldercare", database_url, nats_url, pseudonym_key=PSEUDONYM_KEY)
    service = Eldercare(settings, clock=SystemClock(), scheduler=False)
    await service.host.migrate()
    async with service.host.running(consume=False, relay=False, project=False):
        ctx = service.context()
        await load_county_standards(ctx)
        t = time.perf_counter()
        await seed_elders(ctx, count)
        await ctx.projection(roll_reads.NAME).catch_up()
        await ctx.projection(ledger_reads.NAME).catch_up()
        seeded = time.perf_counter() - t
        result, marks = await time_run(
            ctx.store,
            service="eldercare",
            database_url=database_url,
            consumer_database_url=consumer_database_url,
            nats_url=nats_url,
            count=count,
            run=lambda: run_allowances(ctx, Actor("bench"), PERIOD),
        )
    return {"elders": count, "paid": result.result.paid, "seed_s": seeded, **marks}


async def rows(stack: EmbeddedStack, console: Console, n: int = ELDERS) -> list[Row]:
    """The eldercare rows: the monthly allowance run appended, published and seen by a consumer in
    another process."""
    from .__main__ import Row, _database

    console.log(f"eldercare: allowance run, {n:,} elders")
    run = await allowance_run(
        await _database(stack, "allowances", store=False),
        await _database(stack, "allowanceconsumer"),
        stack.nats_admin_url,
        n,
    )
    assert run["paid"] == n, run
    out = [
        Row(f"allowance run {n:,}: append", run["append_s"], "s"),
        Row(f"allowance run {n:,}: all published", run["publish_s"], "s"),
        Row(f"allowance run {n:,}: consumer saw last", run["end_to_end_s"], "s", target=TARGET),
    ]
    out += [
        Row(f"allowance run {n:,}: CPU of {process}", seconds, "core-s")
        for process, seconds in run["cpu_s"].items()
    ]
    return out


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
    render(found, console, f"eldercare: {count:,} elders")


if __name__ == "__main__":
    # python -m minzheng_bench.eldercare_run [N]: the eldercare rows alone, on their own stack
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else ELDERS))
