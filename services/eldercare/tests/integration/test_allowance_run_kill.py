"""An allowance run killed with SIGKILL halfway, then run again, pays every elder exactly once.

The run is this file run as a script in its own process:
``python test_allowance_run_kill.py DATABASE_URL NATS_URL PERIOD BATCH``; the roll is the
database's (seeded by the test before)."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from minzheng_contracts.period import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import kill_midway

if TYPE_CHECKING:
    from .conftest import Running

ELDERS = 4_000


async def paid(eldercare: Running) -> list[tuple[str, int]]:
    async with eldercare.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data->>'elder_id' AS e, count(*) AS n FROM events "
            "WHERE event_type = 'AllowancePaid' AND data->>'key' = '2026-03' GROUP BY 1"
        )
    return [(r["e"], r["n"]) for r in rows]


async def test_a_killed_run_then_a_rerun_pays_every_elder_exactly_once(eldercare: Running, stack) -> None:  # type: ignore[no-untyped-def]
    from minzheng_eldercare.application.payments.run import run_allowances

    from .test_payments_seed import seed_many

    ctx = eldercare.service.context()
    await seed_many(ctx, ELDERS)
    url, nats = eldercare.service.host.settings.database_url, stack.nats_url("eldercare")

    async def written() -> int:
        return len(await paid(eldercare))

    await kill_midway([sys.executable, __file__, url, nats, "2026-03", "100"], written, at_least=300)
    partial = await paid(eldercare)
    assert 0 < len(partial) < ELDERS, "the kill did not land mid-run"
    assert all(n == 1 for _, n in partial)

    rerun = await run_allowances(ctx, Actor("rerun"), Period(2026, 3))
    assert (rerun.result.paid, rerun.result.already_paid) == (ELDERS - len(partial), len(partial))
    final = await paid(eldercare)
    assert len(final) == ELDERS and all(n == 1 for _, n in final)
    total = await eldercare.fetchval(
        "SELECT sum((data->>'amount_fen')::bigint) FROM events WHERE event_type = 'AllowancePaid'"
    )
    assert total == ELDERS * 12_000


async def _main(url: str, nats_url: str, period: str, batch: int) -> None:
    from datetime import datetime, timedelta, timezone

    from minzheng_eldercare.application.payments.run import run_allowances
    from minzheng_eldercare.entrypoints.app import Eldercare

    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8))))
    service = Eldercare(ServiceSettings("eldercare", url, nats_url), clock=clock, scheduler=False)
    async with service.host.running(migrate=False, consume=False, relay=False, project=False):
        print("running", flush=True)
        await run_allowances(service.context(), Actor("payrun"), Period.parse(period), batch=batch)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
