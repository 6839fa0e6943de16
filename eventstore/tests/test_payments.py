"""The exactly-once monthly payment run: deterministic ids, one stream per case and period,
batches that skip what was paid, a repeated or resumed run pays nobody twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore import Actor, EventBuilder, EventStore
from minzheng_eventstore.payments import MonthlyRun, pay_once, payment_id, payment_stream
from minzheng_kernel import DomainEvent, ManualClock

NS = uuid.UUID("3e0c4c71-6a3b-4d5e-8f00-0000000000aa")
NOW = datetime(2026, 3, 25, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Paid(DomainEvent):
    payment_id: str
    case: str
    amount_fen: int


def builder() -> EventBuilder:
    return EventBuilder(ManualClock(NOW), Actor("payments-test"), "330727")


@given(st.uuids(), st.integers(2000, 2100), st.integers(1, 12))
def test_the_payment_id_is_uuid5_of_case_and_period(case: uuid.UUID, year: int, month: int) -> None:
    period = f"{year}-{month:02d}"
    assert payment_id(NS, case, period) == uuid.uuid5(NS, f"payment/{case}/{period}")
    assert payment_stream(case, period) == f"payment-{case}-{period}"


async def pay_all(
    store: EventStore, cases: list[uuid.UUID], *, batch: int, upto: int | None = None
) -> MonthlyRun:
    run = MonthlyRun(store, builder(), namespace=NS, period="2026-03", batch=batch)
    for n, case in enumerate(cases[:upto]):
        if n % 5 == 4:
            run.skip("nothing_due")
            continue
        pid = run.payment_id(case)
        await run.pay(
            case,
            Paid(str(pid), str(case), 100 + n),
            event_id=pid,
            amount_fen=100 + n,
            jurisdiction="330727101",
        )
    return run


async def test_a_resumed_then_repeated_run_pays_each_case_once(store: EventStore) -> None:
    cases = [uuid.uuid4() for _ in range(50)]
    partial = await pay_all(store, cases, batch=7, upto=23)
    await partial.flush()  # a run killed after some batches: what was flushed is committed
    first = partial.result
    assert first.paid == 23 - 4 and first.skipped == {"nothing_due": 4}

    resumed = await (await pay_all(store, cases, batch=7)).finish()
    assert (resumed.considered, resumed.paid, resumed.already_paid) == (50, 40 - first.paid, first.paid)
    expected_total = sum(100 + n for n in range(50) if n % 5 != 4)
    assert first.total_fen + resumed.total_fen == expected_total

    again = await (await pay_all(store, cases, batch=7)).finish()
    assert (again.paid, again.already_paid, again.total_fen) == (0, 40, 0)

    paid = [c for n, c in enumerate(cases) if n % 5 != 4]
    for case in paid:
        [event] = await store.read_stream(payment_stream(case, "2026-03"))
        assert event.event_id == payment_id(NS, case, "2026-03")
        assert (
            event.occurred_at == NOW and event.jurisdiction == "330727101" and event.actor == "payments-test"
        )


async def test_one_payment_outside_a_run_is_written_once(store: EventStore) -> None:
    case = uuid.uuid4()
    pid = payment_id(NS, case, "2026-04")
    fact = Paid(str(pid), str(case), 500)
    kwargs = {"case": case, "period": "2026-04", "fact": fact, "event_id": pid, "jurisdiction": "330727"}
    assert await pay_once(store, builder(), **kwargs)  # type: ignore[arg-type]
    assert not await pay_once(store, builder(), **kwargs)  # type: ignore[arg-type]
    assert len(await store.read_stream(payment_stream(case, "2026-04"))) == 1
