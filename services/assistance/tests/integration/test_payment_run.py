"""A repeated or interrupted payment run pays nobody twice (kill -9 mid-run, then run again)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from minzheng_assistance.application.payments import run_payments
from minzheng_assistance.bulk import seed_approved_households
from minzheng_contracts import Period
from minzheng_eventstore import Actor

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
    proc = subprocess.Popen(
        [
            sys.executable,
            str(PAYRUN),
            a.service.host.settings.database_url,
            stack.nats_url("assistance"),
            "2026-03",
            "100",
        ],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    while (line := proc.stdout.readline()) and line.strip() != b"running":  # past the start-up log
        pass
    assert line.strip() == b"running"
    for _ in range(600):  # kill it once some, but not all, payments are written
        if len(await payments(a)) >= 300:
            break
        await asyncio.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
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
