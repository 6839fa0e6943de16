"""eldercare's admissions and discharges in assistance, published into the real ``ELDERCARE`` stream as
eldercare publishes them: a 特困 person admitted to a 敬老院 is paid at the centralised standard from
the month after the admission, and at the dispersed one again from the month after a discharge;
exactly once (the same message delivered twice, a copy with a new event id, a second admission in
the month); everything else is acknowledged and ignored."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import structlog.testing

from minzheng_contracts import make_resident_id
from minzheng_contracts.eldercare import (
    DischargeDestination,
    InstitutionKind,
    ResidentAdmitted,
    ResidentAdmittedData,
    ResidentDischarged,
    ResidentDischargedData,
)
from minzheng_contracts.envelope import IntegrationEvent

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
TOWNSHIP = "330727101"
DISPERSED_ID = "tekun_dispersed:330727:2014-01-01"
CENTRALISED_ID = "tekun_centralised:330727:2014-01-01"


def resident(seq: int) -> str:
    """A person of this module only (messages of other tests may still be in the stream)."""
    return make_resident_id("330727", date(1941, 6, 9), 600 + seq).reveal()


async def tekun(a: Running, person: str, mode: str = "dispersed") -> str:
    body = {"person": person, "residence": VILLAGE, "mode": mode}
    return str((await a.post("/tekun", body, expect=201)).json()["case_id"])


def admission(
    a: Running,
    person: str,
    on: date,
    *,
    residency: str = "res-1",
    kind: InstitutionKind = "nursing_home",
    is_tekun: bool = True,
) -> ResidentAdmitted:
    return ResidentAdmitted.new(
        data=ResidentAdmittedData(
            residency_id=residency,
            institution_id="inst-330727101-01",
            institution_kind=kind,
            township=TOWNSHIP,
            person=person,
            is_tekun=is_tekun,
            care_level="partial",
            admitted_on=on,
        ),
        producer="eldercare",
        jurisdiction=TOWNSHIP,
        occurred_at=a.clock.now(),
    )


def discharge(
    a: Running, person: str, on: date, *, residency: str = "res-1", destination: DischargeDestination = "home"
) -> ResidentDischarged:
    return ResidentDischarged.new(
        data=ResidentDischargedData(
            residency_id=residency,
            institution_id="inst-330727101-01",
            institution_kind="nursing_home",
            township=TOWNSHIP,
            person=person,
            is_tekun=True,
            destination=destination,
            discharged_on=on,
        ),
        producer="eldercare",
        jurisdiction=TOWNSHIP,
        occurred_at=a.clock.now(),
    )


def copy(event: ResidentAdmitted | ResidentDischarged) -> IntegrationEvent[Any]:
    """The same fact re-sent with a new event id (a producer's retry after a crash)."""
    return event.model_copy(update={"event_id": uuid.uuid4()})


async def send(nats: Any, event: IntegrationEvent[Any], msg_id: str | None = None) -> int:
    """Publish into ``ELDERCARE`` as eldercare's relay does; the message's stream sequence."""
    ack = await nats.jetstream().publish(
        event.SUBJECT,
        event.model_dump_json().encode(),
        headers={"Nats-Msg-Id": msg_id or str(event.event_id)},
    )
    assert ack.stream == "ELDERCARE"
    return int(ack.seq)


async def publish(nats: Any, a: Running, *events: IntegrationEvent[Any]) -> None:
    """Publish each event, then wait until the service's inbox has taken every one."""
    for event in events:
        await send(nats, event)
    ids = list({e.event_id for e in events})
    for _ in range(300):
        if await a.count("SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids) == len(ids):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not take the messages")


async def delivered_twice(nats: Any, event: IntegrationEvent[Any]) -> None:
    """The very message again (same event id), under another ``Nats-Msg-Id`` so that the broker's
    dedup lets it through (as after a relay's crash past the dedup window): the inbox is all that
    stands between it and a second change. Waits until the consumer has acknowledged it."""
    seq = await send(nats, event, msg_id=f"again-{uuid.uuid4()}")
    for _ in range(300):
        info = await nats.jetstream().consumer_info("ELDERCARE", "assistance-residency-v1")
        if info.ack_floor.stream_seq >= seq:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the consumer did not take the message again")


def until(a: Running, day: date) -> None:
    """Move the clock to 09:00 on ``day`` (county time)."""
    now = a.clock.now()
    a.clock.advance(datetime(day.year, day.month, day.day, 9, 0, tzinfo=now.tzinfo) - now)


async def run(a: Running, period: str) -> dict[str, Any]:
    return dict((await a.post("/payment-runs", {"period": period}, expect=201)).json())


async def paid(a: Running, case: str) -> list[tuple[str, int, str]]:
    """The case's payments as its payment streams record them: (month, fen, standard)."""
    async with a.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data::text AS data FROM events WHERE event_type = 'PaymentIssued' "
            "AND stream_id LIKE $1 ORDER BY stream_id",
            f"payment-{case}-%",
        )
    payments = [json.loads(r["data"]) for r in rows]
    return [(p["period"], p["amount_fen"], p["standard_id"]) for p in payments]


async def mode_changes(a: Running, case: str) -> list[dict[str, Any]]:
    async with a.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data::text AS data FROM events WHERE stream_id = $1 "
            "AND event_type = 'SupportModeChanged' ORDER BY version",
            f"tekun-{case}",
        )
    return [json.loads(r["data"]) for r in rows]


# ------------------------------------------------------------------------------------ admission


async def test_an_admission_to_a_nursing_home_pays_the_centralised_standard_from_the_next_month_once(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    person = resident(1)
    case = await tekun(a, person)
    until(a, date(2026, 4, 12))
    await run(a, "2026-03")
    admitted = admission(a, person, date(2026, 4, 10))
    await publish(nats_admin, a, admitted)
    # the same message again, a copy with a new event id, a second admission in the same month
    await delivered_twice(nats_admin, admitted)
    again = admission(a, person, date(2026, 4, 20), residency="res-2")
    await publish(nats_admin, a, copy(admitted), again)

    [changed] = await mode_changes(a, case)
    assert changed == {
        "case_id": case,
        "from": "dispersed",
        "to": "centralised",
        "by": "eldercare-policy",
        "effective_from": "2026-05",
        "cause": "admitted/res-1",
    }
    assert await a.count("SELECT count(*) FROM inbox WHERE event_id = $1", admitted.event_id) == 1
    # April, the month of the admission, is still dispersed; May on are centralised
    await run(a, "2026-04")
    until(a, date(2026, 6, 1))
    for period in ("2026-05", "2026-06"):
        await run(a, period)
    assert await paid(a, case) == [
        ("2026-03", 60_000, DISPERSED_ID),
        ("2026-04", 60_000, DISPERSED_ID),
        ("2026-05", 80_000, CENTRALISED_ID),
        ("2026-06", 80_000, CENTRALISED_ID),
    ]
    async with a.service.host.store.pool.acquire() as conn:
        stream = await conn.fetch(
            "SELECT actor FROM events WHERE stream_id = $1 ORDER BY version", f"tekun-{case}"
        )
    assert [r["actor"] for r in stream][1:] == ["eldercare-policy"]


async def test_a_projection_rebuilt_from_the_events_pays_the_same_months_at_the_same_modes(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    person = resident(2)
    case = await tekun(a, person)
    until(a, date(2026, 4, 12))
    await publish(nats_admin, a, admission(a, person, date(2026, 4, 10)))
    await a.read_models().rebuild()
    until(a, date(2026, 5, 3))
    for period in ("2026-04", "2026-05"):
        await run(a, period)
    assert [(p, fen) for p, fen, _ in await paid(a, case)] == [("2026-04", 60_000), ("2026-05", 80_000)]


# ------------------------------------------------------------------------------------ discharge


async def test_a_discharge_home_pays_the_dispersed_standard_again_from_the_month_after_it(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    person = resident(3)
    case = await tekun(a, person)
    until(a, date(2026, 3, 20))
    admitted = admission(a, person, date(2026, 3, 18))
    await publish(nats_admin, a, admitted)
    until(a, date(2026, 5, 6))
    for period in ("2026-03", "2026-04", "2026-05"):
        await run(a, period)
    # discharged home on 5 May, after May was paid centralised: June on is dispersed
    discharged = discharge(a, person, date(2026, 5, 5))
    await publish(nats_admin, a, discharged)
    await delivered_twice(nats_admin, discharged)
    # the admission again, late, with a new event id: the residency's admission was taken in
    await publish(nats_admin, a, copy(discharged), copy(admitted))
    until(a, date(2026, 7, 2))
    for period in ("2026-06", "2026-07"):
        await run(a, period)

    assert [(c["to"], c["effective_from"], c["cause"]) for c in await mode_changes(a, case)] == [
        ("centralised", "2026-04", "admitted/res-1"),
        ("dispersed", "2026-06", "discharged/res-1"),
    ]
    assert [(p, fen) for p, fen, _ in await paid(a, case)] == [
        ("2026-03", 60_000),
        ("2026-04", 80_000),
        ("2026-05", 80_000),
        ("2026-06", 60_000),
        ("2026-07", 60_000),
    ]
    assert (await a.get(f"/tekun/{case}/overpayments")).json() == []


async def test_a_discharge_reported_after_months_were_paid_centralised_records_them_as_overpaid(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    person = resident(4)
    case = await tekun(a, person)
    until(a, date(2026, 3, 20))
    await publish(nats_admin, a, admission(a, person, date(2026, 3, 18)))
    until(a, date(2026, 6, 3))
    for period in ("2026-04", "2026-05", "2026-06"):
        await run(a, period)
    # discharged home on 20 April; eldercare's message arrives in June
    await publish(nats_admin, a, discharge(a, person, date(2026, 4, 20)))
    [over] = (await a.get(f"/tekun/{case}/overpayments")).json()
    assert (over["overpayment_id"], over["reason"], over["cause_date"], over["total_fen"]) == (
        "mode/discharged/res-1",
        "mode_changed",
        "2026-04-20",
        2 * 20_000,
    )
    assert [(m["period"], m["paid_fen"], m["due_fen"]) for m in over["months"]] == [
        ("2026-05", 80_000, 60_000),
        ("2026-06", 80_000, 60_000),
    ]
    # paid months stay paid, never reversed
    assert [(p, fen) for p, fen, _ in await paid(a, case)] == [
        ("2026-04", 80_000),
        ("2026-05", 80_000),
        ("2026-06", 80_000),
    ]


# ------------------------------------------------------------------------------------ ignored


async def test_messages_that_concern_no_tekun_case_in_a_nursing_home_are_acknowledged_and_ignored(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    person, other = resident(5), resident(6)
    case = await tekun(a, person)
    until(a, date(2026, 4, 12))
    ignored = [
        admission(a, person, date(2026, 4, 10), kind="welfare_home", residency="res-w"),
        admission(a, person, date(2026, 4, 10), kind="private", residency="res-p"),
        admission(a, person, date(2026, 4, 10), is_tekun=False, residency="res-n"),
        admission(a, other, date(2026, 4, 10), residency="res-o"),  # no 特困 case
    ]
    with structlog.testing.capture_logs() as logs:
        await publish(nats_admin, a, *ignored)
    assert await mode_changes(a, case) == []
    reasons = sorted(e["reason"] for e in logs if e["event"] == "residency.admitted.ignored")
    assert reasons == ["no_tekun_case", "not_a_nursing_home", "not_a_nursing_home", "not_tekun"]
    assert not [e for e in logs if person in str(e) or other in str(e)]  # no resident ID in a log line
    assert await a.count("SELECT count(*) FROM dead_letters") == 0
    until(a, date(2026, 5, 3))
    await run(a, "2026-05")
    assert [(p, fen) for p, fen, _ in await paid(a, case)] == [("2026-05", 60_000)]


async def test_a_discharge_at_death_changes_nothing_here(assistance: Running, nats_admin: Any) -> None:
    a = assistance
    person = resident(7)
    case = await tekun(a, person)
    until(a, date(2026, 3, 20))
    await publish(nats_admin, a, admission(a, person, date(2026, 3, 18)))
    until(a, date(2026, 5, 3))
    await publish(nats_admin, a, discharge(a, person, date(2026, 5, 1), destination="death"))
    assert [c["to"] for c in await mode_changes(a, case)] == ["centralised"]
