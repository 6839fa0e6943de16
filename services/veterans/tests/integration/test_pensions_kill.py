"""A pension run killed with SIGKILL halfway, then run again, pays every entitlement exactly once.

The run is this file run as a script in its own process:
``python test_pensions_kill.py DATABASE_URL NATS_URL PERIOD BATCH``."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import kill_midway
from minzheng_veterans.application.pensions.roll import Entitled
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.domain.pensions.parameters import basis_of
from minzheng_veterans.entrypoints.app import Veterans

if TYPE_CHECKING:
    from conftest import Running

ENTITLEMENTS = 4_000
BASIS = basis_of("ill_returned")


def roll() -> list[Entitled]:
    """The same roll in the test and in the killed process (the entitlement area's answer)."""
    return [
        Entitled(
            f"e{i:05d}", f"p{i:05d}", "330727195203040019", "330727101201", "ill_returned", lambda p: BASIS
        )
        for i in range(ENTITLEMENTS)
    ]


async def paid(v: Running) -> list[tuple[str, int]]:
    async with v.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data->>'entitlement_id' AS e, count(*) AS n FROM events "
            "WHERE event_type = 'PensionPaid' AND data->>'period' = '2026-03' GROUP BY 1"
        )
    return [(r["e"], r["n"]) for r in rows]


async def test_a_killed_run_then_a_rerun_pays_everyone_exactly_once(veterans: Running, stack) -> None:  # type: ignore[no-untyped-def]
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    url, nats = veterans.service.host.settings.database_url, stack.nats_url("veterans")

    async def written() -> int:
        return len(await paid(veterans))

    await kill_midway([sys.executable, __file__, url, nats, "2026-03", "100"], written, at_least=300)
    partial = await paid(veterans)
    assert 0 < len(partial) < ENTITLEMENTS, "the kill did not land mid-run"
    assert all(n == 1 for _, n in partial)

    rerun = await run_pensions(ctx, Actor("rerun"), Period(2026, 3), roll=roll())
    assert (rerun.monthly.paid, rerun.monthly.already_paid) == (ENTITLEMENTS - len(partial), len(partial))
    final = await paid(veterans)
    assert len(final) == ENTITLEMENTS and all(n == 1 for _, n in final)
    total = await veterans.fetchval(
        "SELECT sum((data->>'amount_fen')::bigint) FROM events WHERE event_type = 'PensionPaid'"
    )
    assert total == ENTITLEMENTS * 55_000


async def _main(url: str, nats_url: str, period: str, batch: int) -> None:
    service = Veterans(ServiceSettings("veterans", url, nats_url), scheduler=False)
    async with service.host.running(migrate=False, consume=False, relay=False, project=False):
        print("running", flush=True)
        await run_pensions(service.context(), Actor("payrun"), Period.parse(period), roll=roll(), batch=batch)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
