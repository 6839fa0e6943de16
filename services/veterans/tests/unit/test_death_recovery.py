"""Recovery tasks over the pure domain: repayments add up and never pass what is owed, the task
closes exactly when nothing is owed, a waiver writes off the rest with its reason, a closed task
takes nothing more, a receipt counts once; the task's case is found from its id."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_veterans.domain.death import case as c

EID = "e1700000-0000-4000-8000-000000000001"
OWED = 734_583
TODAY = date(2026, 6, 1)


def with_task(amount: int = OWED) -> tuple[c.Case, str]:
    tid = c.recovery_task_id("death-tok", EID, Period(2026, 4))
    facts = [
        c.DeathBenefitCaseOpened(
            "death-tok", "tok", "330727195203040019", "330727101201", "2026-03-20", "ev-1", EID,
            "disabled", "illness.1", (EID,),
        ),
        c.OverpaymentRecorded("death-tok", EID, "2026-04", amount, ("p",), tid),
    ]  # fmt: skip
    return c.fold(facts), tid


def repaid(state: c.Case, tid: str, receipt: str, amount: int) -> c.Case:
    facts = c.record_repayment(
        state, tid, receipt=receipt, amount_fen=amount, repaid_on=date(2026, 5, 1), today=TODAY
    )
    return c.fold(facts, state)


@given(st.lists(st.integers(1, OWED), min_size=1, max_size=12))
def test_repayments_add_up_never_above_what_is_owed_and_close_exactly_when_settled(
    amounts: list[int],
) -> None:
    state, tid = with_task()
    total = 0
    for n, amount in enumerate(amounts):
        before = c.task(state, tid)
        if before.closed:
            with pytest.raises(Conflict, match="closed"):
                repaid(state, tid, f"R{n}", amount)
            continue
        if total + amount > OWED:
            with pytest.raises(DomainError) as over:
                repaid(state, tid, f"R{n}", amount)
            assert (over.value.code, over.value.field) == ("repayment_exceeds_owed", "amount_fen")
            continue
        state = repaid(state, tid, f"R{n}", amount)
        total += amount
        after = c.task(state, tid)
        assert (after.repaid_fen, after.outstanding_fen) == (total, OWED - total)
        assert after.closed == (total == OWED)
        assert after.outcome == (c.Outcome.REPAID if total == OWED else None)


def test_a_waiver_writes_off_the_rest_with_its_reason_and_closes_the_task() -> None:
    state, tid = with_task()
    state = repaid(state, tid, "R1", 100_000)
    facts = c.waive(state, tid, reason=" 无力偿还 ")
    assert [type(f).__name__ for f in facts] == ["RecoveryWaived", "RecoveryTaskClosed"]
    done = c.task(c.fold(facts, state), tid)
    assert (done.waived_fen, done.outstanding_fen, done.outcome, done.waiver_reason) == (
        OWED - 100_000,
        0,
        c.Outcome.WAIVED,
        "无力偿还",
    )
    with pytest.raises(Conflict, match="closed"):
        c.waive(c.fold(facts, state), tid, reason="again")
    with pytest.raises(DomainError) as blank:
        c.waive(state, tid, reason="  ")
    assert blank.value.field == "reason"


def test_a_receipt_counts_once_and_dates_are_checked() -> None:
    state, tid = with_task()
    state = repaid(state, tid, "R1", 1)
    with pytest.raises(Conflict) as twice:
        repaid(state, tid, "R1", 1)
    assert (twice.value.code, twice.value.field) == ("receipt_recorded", "receipt")
    for on, code in ((date(2026, 6, 2), "repaid_in_future"), (date(2026, 3, 19), "repaid_before_death")):
        with pytest.raises(DomainError) as bad:
            c.record_repayment(state, tid, receipt="R2", amount_fen=1, repaid_on=on, today=TODAY)
        assert (bad.value.code, bad.value.field) == (code, "repaid_on")
    with pytest.raises(DomainError) as zero:
        c.record_repayment(state, tid, receipt="R2", amount_fen=0, repaid_on=TODAY, today=TODAY)
    assert zero.value.field == "amount_fen"


def test_the_case_of_a_task_is_read_from_its_id() -> None:
    state, tid = with_task()
    assert c.case_of_task(tid) == "death-tok"
    assert c.case_of_task("death-tok") is None
    assert c.case_of_task(f"death-tok-{EID}-2026") is None
    with pytest.raises(NotFound) as missing:
        c.task(state, tid[:-2] + "05")
    assert missing.value.code == "task_not_found"
