"""A repeated or interrupted payment run pays nobody twice (kill -9 mid-run, then run again)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from minzheng_assistance.application.payments import run_payments
from minzheng_assistance.bulk import seed_approved_households
from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.testing import kill_midway

if TYPE_CHECKING:
    from conftest import Running

PAYRUN = Path(__file__).with_name("payrun.py")
HOUSEHOLDS = 6_000


async def payments(a: Running) -> list[tuple[str, int]]:
    async with a.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data->>'household_id' AS h, count(*) AS n FROM events WHERE event_type = 'PaymentIssued' "
            "AND data->>'period' = '2026-03' GROUP BY 1"
        )
    return [(r["h"], r["n"]) for r in rows]


async def test_killed_payment_run_then_rerun_pays_everyone_exactly_once(assistance: Running, stack) -> None:  # type: ignore[no-untyped-def]
    a = assistance
    store = a.service.host.store
    await seed_approved_households(store, HOUSEHOLDS)
    await a.read_models().catch_up()
    url, nats = a.service.host.settings.database_url, stack.nats_url("assistance")

    async def written() -> int:
        return len(await payments(a))

    await kill_midway([sys.executable, str(PAYRUN), url, nats, "2026-03", "100"], written, at_least=300)
    partial = await payments(a)
    assert 0 < len(partial) < HOUSEHOLDS, "the kill did not land mid-run"
    assert all(n == 1 for _, n in partial)

    result = await run_payments(
        a.service.context(), Actor("rerun"), Period(2026, 3), projection=a.read_models()
    )
    assert (result.paid, result.already_paid) == (HOUSEHOLDS - len(partial), len(partial))
    again = await run_payments(a.service.context(), Actor("rerun"), Period(2026, 3))
    assert (again.paid, again.already_paid) == (0, HOUSEHOLDS)
    final = await payments(a)
    assert len(final) == HOUSEHOLDS and all(n == 1 for _, n in final)
    async with store.pool.acquire() as conn:
        total = await conn.fetchval(
            "SELECT sum((data->>'amount_fen')::bigint) FROM events WHERE event_type = 'PaymentIssued'"
        )
    assert total == HOUSEHOLDS * (35_200 - 15_000) * 2
