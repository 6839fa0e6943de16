"""The death area's demo under ``make run`` (the service's whole seed, twice: the second adds
nothing): a 因病 disabled serviceman who died last month, paid through it, his funeral subsidy of
12 months paid; a survivor who died the month before last, last month's pension overpaid with its
recovery task open after a first repayment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_kernel.standards import monthly_share

if TYPE_CHECKING:
    from conftest import Running

ILLNESS_1 = 8_257_000  # 因病一级 from 2019-08-01, fen a year
SURVIVOR_ILLNESS = 2_261_000  # 病故军人遗属 定期抚恤金 from 2019-08-01, fen a year


async def test_the_demo_has_a_paid_funeral_subsidy_and_an_open_recovery_task_and_runs_twice(
    veterans: Running,
) -> None:
    await veterans.service.seed_demo()
    written = await veterans.fetchval("SELECT count(*) FROM events")
    await veterans.service.seed_demo()
    assert await veterans.fetchval("SELECT count(*) FROM events") == written

    approver = veterans.as_caller("county-approver")
    cases = (await veterans.get("/death-cases", headers=approver)).json()["items"]
    by_category = {c["category"]: c for c in cases}
    assert set(by_category) == {"disabled", "survivor"}  # the registry's demo death is not here
    disabled = by_category["disabled"]
    # the clock is at 2026-03-02: he died in February, paid January and February, nothing after
    assert (disabled["status"], disabled["key"], disabled["died_on"][:7]) == ("paid", "illness.1", "2026-02")
    assert disabled["overpayments"] == []
    assert disabled["one_off"]["kind"] == "funeral_subsidy"
    assert disabled["one_off"]["amount_fen"] == ILLNESS_1  # 12 months of the pension
    assert disabled["payee_relation"] == "spouse" and disabled["payment_id"]

    survivor = by_category["survivor"]
    assert (survivor["status"], survivor["died_on"][:7]) == ("determined", "2026-01")
    assert survivor["one_off"]["amount_fen"] == SURVIVOR_ILLNESS // 2  # 6 months
    [task] = (await veterans.get("/recovery-tasks", status="open", headers=approver)).json()["items"]
    assert (task["case_id"], task["period"]) == (survivor["case_id"], "2026-02")
    assert task["amount_fen"] == monthly_share(SURVIVOR_ILLNESS, 2)
    assert (task["repaid_fen"], task["receipts"]) == (10_000, ["DEMO-JK-0001"])
    assert task["outstanding_fen"] == task["amount_fen"] - 10_000
