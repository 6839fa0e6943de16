"""The registry's facts in assistance, published to the real NATS as a raw producer would: the
date-of-death rule and its overpayments, idempotence on the business key, rechecks flagged by a
marriage or a divorce, and the divisions the registry records."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import DeathRegistered, DeathRegisteredData, make_resident_id
from minzheng_contracts.envelope import IntegrationEvent
from minzheng_contracts.places import DivisionRecorded, DivisionRecordedData
from minzheng_contracts.registry import (
    DivorceRegistered,
    DivorceRegisteredData,
    MarriageRegistered,
    MarriageRegisteredData,
)

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
ALONE = make_resident_id("330727", date(1940, 2, 2), 13).reveal()
HEAD = make_resident_id("330727", date(1961, 5, 4), 11).reveal()  # a man (odd sequence)
CHILD = make_resident_id("330727", date(2011, 9, 1), 12).reveal()
WIFE = make_resident_id("330727", date(1965, 7, 8), 22).reveal()  # a woman (even sequence)


def member(resident_id: str, relationship: str = "self", income: int = 0) -> dict[str, Any]:
    return {
        "resident_id": resident_id,
        "relationship": relationship,
        "monthly_income_fen": income,
        "employment": "unemployed",
    }


async def approved(a: Running, *members: dict[str, Any], residence: str = VILLAGE) -> str:
    """A household through review and notice, approved by the county (from the current month)."""
    body = {"programme": "dibao_rural", "residence": residence, "members": list(members)}
    hid = str((await a.post("/households", body, expect=201)).json()["household_id"])
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    return hid


async def approve(a: Running, *hids: str) -> None:
    a.clock.advance(timedelta(days=8))
    for hid in hids:
        await a.post(f"/households/{hid}/approval", {}, 200, a.approver())


async def publish(nats: Any, a: Running, *events: IntegrationEvent[Any]) -> None:
    """Publish like a raw producer, then wait until the service's inbox has taken every one."""
    for event in events:
        await nats.jetstream().publish(
            event.SUBJECT, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
        )
    ids = list({e.event_id for e in events})
    for _ in range(300):
        if await a.count("SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids) == len(ids):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not take the messages")


def death(a: Running, person: str, on: date, registration: uuid.UUID | None = None) -> DeathRegistered:
    return DeathRegistered.new(
        data=DeathRegisteredData(
            registration_id=registration or uuid.uuid4(),
            deceased=person,
            date_of_death=on,
            place=VILLAGE,
            registered_at=a.clock.now(),
        ),
        producer="registry",
        jurisdiction=VILLAGE,
    )


def copy(event: DeathRegistered) -> DeathRegistered:
    """The same registration re-sent with a new event id (a producer's retry after a crash)."""
    return event.model_copy(update={"event_id": uuid.uuid4()})


async def run(a: Running, period: str) -> dict[str, Any]:
    return dict((await a.post("/payment-runs", {"period": period}, expect=201)).json())


async def history(a: Running, hid: str) -> list[tuple[str, int]]:
    return [(p["period"], p["amount_fen"]) for p in (await a.get(f"/households/{hid}/payments")).json()]


async def event_types(a: Running, hid: str) -> list[str]:
    return [e["event_type"] for e in (await a.get(f"/households/{hid}/timeline")).json()]


def until(a: Running, day: date) -> None:
    """Move the clock to 09:00 on ``day`` (county time)."""
    now = a.clock.now()
    a.clock.advance(datetime(day.year, day.month, day.day, 9, 0, tzinfo=now.tzinfo) - now)


# ------------------------------------------------------------------------------ the date of death


async def test_a_death_registered_late_records_the_months_paid_after_it_as_an_overpayment(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    alone = await approved(a, member(ALONE))
    pair = await approved(a, member(HEAD, income=30_000), member(CHILD, "child"))
    await approve(a, alone, pair)
    until(a, date(2027, 4, 6))
    for period in ("2027-01", "2027-02", "2027-03", "2027-04"):
        await run(a, period)
    # both died in January; the registry reports it in April, after February to April were paid
    await publish(nats_admin, a, death(a, ALONE, date(2027, 1, 15)), death(a, CHILD, date(2027, 1, 31)))

    single = (await a.get(f"/households/{alone}")).json()
    assert (single["status"], single["closed_reason"], single["ends_from"]) == (
        "terminated",
        "death",
        "2027-02",
    )
    assert single["overpaid_fen"] == 3 * 39_600
    [over] = (await a.get(f"/households/{alone}/overpayments")).json()
    assert over["reason"] == "death" and over["cause_date"] == "2027-01-15" and over["recovery"] == "open"
    assert [(m["period"], m["paid_fen"], m["due_fen"], m["overpaid_fen"]) for m in over["months"]] == [
        ("2027-02", 39_600, 0, 39_600),
        ("2027-03", 39_600, 0, 39_600),
        ("2027-04", 39_600, 0, 39_600),
    ]
    # paid months stay paid: no negative payment, nothing reversed
    assert await history(a, alone) == [(p, 39_600) for p in ("2027-01", "2027-02", "2027-03", "2027-04")]

    # the pair was paid for two, 2 × (39,600 − 15,000); it is due for one from February
    family = (await a.get(f"/households/{pair}")).json()
    assert (family["status"], family["members"], family["recheck_due"]) == ("active", 1, True)
    [over] = (await a.get(f"/households/{pair}/overpayments")).json()
    assert [(m["period"], m["due_fen"], m["overpaid_fen"]) for m in over["months"]] == [
        (p, 9_600, 49_200 - 9_600) for p in ("2027-02", "2027-03", "2027-04")
    ]

    # May: the single household is not paid, the pair for one
    until(a, date(2027, 5, 3))
    may = await run(a, "2027-05")
    assert (may["paid"], may["total_fen"]) == (1, 39_600 - 30_000)
    refused = await a.post(f"/households/{alone}/payments", {"period": "2027-05"}, expect=409)
    assert refused.json()["error"]["code"] == "not_payable"
    assert await a.count("SELECT count(*) FROM payments WHERE amount_fen <= 0") == 0


async def test_a_death_registered_in_its_own_month_is_paid_for_that_month_and_nothing_after(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    alone = await approved(a, member(ALONE))
    await approve(a, alone)
    await publish(nats_admin, a, death(a, ALONE, a.clock.now().date()))  # 2026-03-10
    state = (await a.get(f"/households/{alone}")).json()
    assert (state["status"], state["ends_from"], state["overpaid_fen"]) == ("terminated", "2026-04", 0)
    march = await run(a, "2026-03")  # the month of death is paid, although the case is closed
    assert (march["paid"], march["total_fen"]) == (1, 35_200)
    until(a, date(2026, 4, 2))
    april = await run(a, "2026-04")
    assert april["paid"] == 0
    assert await history(a, alone) == [("2026-03", 35_200)]
    assert (await a.get(f"/households/{alone}/overpayments")).json() == []
    # the people are free for a new case: the deceased's enrolment was released
    assert await a.count("SELECT count(*) FROM enrolments") == 0


async def test_a_copy_of_a_death_with_a_new_event_id_changes_nothing(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    pair = await approved(a, member(HEAD, income=30_000), member(CHILD, "child"))
    await approve(a, pair)
    until(a, date(2026, 5, 6))
    for period in ("2026-03", "2026-04", "2026-05"):
        await run(a, period)
    first = death(a, CHILD, date(2026, 3, 20))
    await publish(nats_admin, a, first)
    recorded = await event_types(a, pair)
    assert recorded[-3:] == ["MemberDeceased", "AmountChanged", "OverpaymentRecorded"]
    # the same registration re-sent with a new event id, re-delivered as it was, and another
    # registration of the same person: nothing changes downstream
    await publish(nats_admin, a, copy(first), first, death(a, CHILD, date(2026, 3, 20)))
    assert await event_types(a, pair) == recorded
    assert len((await a.get(f"/households/{pair}/overpayments")).json()) == 1
    assert await a.count("SELECT count(*) FROM registry_facts WHERE key LIKE 'death%'") == 3


async def test_deaths_taken_in_while_months_are_paid_leave_no_month_paid_after_them_unrecorded(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    people = [
        make_resident_id("330727", date(1940, 1, 1) + timedelta(days=n), 301 + 2 * n).reveal()
        for n in range(6)
    ]
    hids = [await approved(a, member(person)) for person in people]
    await approve(a, *hids)
    until(a, date(2026, 6, 3))
    for period in ("2026-03", "2026-04"):
        await run(a, period)
    # they died in March; the registry reports it while May is run and June paid one by one
    answers = await asyncio.gather(
        publish(nats_admin, a, *(death(a, person, date(2026, 3, 15)) for person in people)),
        a.post("/payment-runs", {"period": "2026-05"}),
        *(a.post(f"/households/{hid}/payments", {"period": "2026-06"}) for hid in hids),
    )
    assert all(r.status_code in (201, 409) for r in answers[1:]), [r.text for r in answers[1:]]
    for hid in hids:
        assert (await a.get(f"/households/{hid}")).json()["ends_from"] == "2026-04"
        paid_after = [p for p, _ in await history(a, hid) if p >= "2026-04"]
        overpaid = [
            m["period"] for o in (await a.get(f"/households/{hid}/overpayments")).json() for m in o["months"]
        ]
        # every month paid after the month of death is an overpayment: none is paid unrecorded
        assert paid_after == overpaid and paid_after[:1] == ["2026-04"]


async def test_a_tekun_case_is_paid_for_the_month_of_death_and_overpaid_months_are_recorded(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    late, recent = (make_resident_id("330727", date(1938, 3, 3), seq).reveal() for seq in (41, 43))
    cases = {}
    for person in (late, recent):
        body = {"person": person, "residence": VILLAGE, "mode": "dispersed"}
        cases[person] = (await a.post("/tekun", body, expect=201)).json()["case_id"]
    until(a, date(2026, 5, 4))
    for period in ("2026-03", "2026-04", "2026-05"):
        await run(a, period)
    # one died in April, reported in June after May and June were paid; the other died on
    # 1 June, reported before the June run
    until(a, date(2026, 6, 2))
    await publish(nats_admin, a, death(a, recent, date(2026, 6, 1)))
    june = await run(a, "2026-06")
    assert (june["paid"], june["total_fen"]) == (2, 2 * 60_000)  # both: the month of death is due
    await publish(nats_admin, a, death(a, late, date(2026, 4, 10)))
    [over] = (await a.get(f"/tekun/{cases[late]}/overpayments")).json()
    assert [(m["period"], m["overpaid_fen"]) for m in over["months"]] == [
        ("2026-05", 60_000),
        ("2026-06", 60_000),
    ]
    assert (over["total_fen"], over["cause_date"], over["recovery"]) == (120_000, "2026-04-10", "open")
    assert (await a.get(f"/tekun/{cases[recent]}/overpayments")).json() == []
    until(a, date(2026, 7, 2))
    assert (await run(a, "2026-07"))["paid"] == 0
    assert await a.count("SELECT count(*) FROM payments WHERE amount_fen <= 0") == 0
    unknown = await a.get(f"/tekun/{uuid.uuid4()}/overpayments", expect=404)
    assert unknown.json()["error"]["code"] == "unknown_case"


# ------------------------------------------------------------------------- marriage and divorce


def marriage(a: Running, marriage_id: uuid.UUID) -> MarriageRegistered:
    return MarriageRegistered.new(
        data=MarriageRegisteredData(
            marriage_id=marriage_id,
            certificate_number="J330727-2026-000007",
            husband=HEAD,
            wife=WIFE,
            registered_on=a.clock.now().date(),
            office="330727",
        ),
        producer="registry",
        jurisdiction="330727",
    )


def divorce(a: Running, marriage_id: uuid.UUID) -> DivorceRegistered:
    return DivorceRegistered.new(
        data=DivorceRegisteredData(
            marriage_id=marriage_id,
            application_id=uuid.uuid4(),
            certificate_number="L330727-2026-000003",
            husband=HEAD,
            wife=WIFE,
            registered_on=a.clock.now().date(),
            office="330727",
        ),
        producer="registry",
        jurisdiction="330727",
    )


async def test_a_marriage_and_a_divorce_flag_the_households_of_both_parties_for_recheck(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    his = await approved(a, member(HEAD, income=30_000), member(CHILD, "child"))
    hers = await approved(a, member(WIFE))
    other = await approved(a, member(ALONE))
    await approve(a, his, hers, other)
    before = {hid: (await a.get(f"/households/{hid}")).json() for hid in (his, hers, other)}
    married = marriage(a, uuid.uuid4())
    await publish(nats_admin, a, married)
    for hid in (his, hers):
        now = (await a.get(f"/households/{hid}")).json()
        assert now["recheck_due"] and not before[hid]["recheck_due"]
        assert (await event_types(a, hid))[-1] == "RecheckFlagged"
        # no automatic amount change
        assert {k: v for k, v in now.items() if k != "recheck_due"} == {
            k: v for k, v in before[hid].items() if k != "recheck_due"
        }
    assert not (await a.get(f"/households/{other}")).json()["recheck_due"]
    timeline = (await a.get(f"/households/{his}/timeline")).json()
    assert timeline[-1]["data"]["reason"] == "marriage_registered"
    assert timeline[-1]["data"]["certificate_number"] == "J330727-2026-000007"

    # the same marriage re-sent with a new event id changes nothing
    flagged = await event_types(a, his)
    await publish(nats_admin, a, married.model_copy(update={"event_id": uuid.uuid4()}))
    assert await event_types(a, his) == flagged

    # the recheck clears the flag; the divorce flags it again
    incomes = [{"resident_id": HEAD, "monthly_income_fen": 30_000}]
    await a.post(f"/households/{his}/recheck", {"incomes": incomes}, expect=200)
    assert not (await a.get(f"/households/{his}")).json()["recheck_due"]
    await publish(nats_admin, a, divorce(a, married.data.marriage_id))
    assert (await a.get(f"/households/{his}")).json()["recheck_due"]
    last = (await a.get(f"/households/{his}/timeline")).json()[-1]
    assert (last["event_type"], last["data"]["reason"]) == ("RecheckFlagged", "divorce_registered")


# ------------------------------------------------------------------------------------ divisions


def division(code: str, name: str, *, valid_to: date | None = None, at: datetime) -> DivisionRecorded:
    return DivisionRecorded.new(
        data=DivisionRecordedData(
            code=code,
            name=name,
            level="village",
            parent=code[:9],
            valid_from=date(2001, 1, 1),
            valid_to=valid_to,
        ),
        producer="registry",
        jurisdiction="330727",
        occurred_at=at,
    )


async def test_divisions_come_from_the_registry_and_an_abolished_one_takes_no_new_case(
    assistance: Running, nats_admin: Any
) -> None:
    a = assistance
    code = "330727101203"
    body = {"programme": "dibao_rural", "residence": code, "members": [member(ALONE)]}
    refused = await a.post("/households", body, expect=422)
    assert refused.json()["error"]["code"] == "unknown_division"
    recorded = division(code, "上溪村", at=a.clock.now())
    await publish(nats_admin, a, recorded)
    listed = (await a.get("/divisions", level="village")).json()["items"]
    assert {"code": code, "name": "上溪村", "level": "village", "parent": "330727101"}.items() <= next(
        d for d in listed if d["code"] == code
    ).items()
    await a.post("/households", body, expect=201)

    # abolished from tomorrow: still open today, not from tomorrow on
    tomorrow = a.clock.now().date() + timedelta(days=1)
    abolished = division(code, "上溪村", valid_to=tomorrow, at=a.clock.now() + timedelta(seconds=1))
    # an older record arriving late (a copy with a new event id) does not undo the abolition
    late = recorded.model_copy(update={"event_id": uuid.uuid4()})
    await publish(nats_admin, a, abolished, late)
    other = {**body, "members": [member(HEAD)]}
    await a.post("/households", {**other, "members": [member(WIFE)]}, expect=201)
    a.clock.advance(timedelta(days=1))
    closed = await a.post("/households", other, expect=422)
    assert closed.json()["error"] == {
        "code": "division_abolished",
        "field": "residence",
        "message": f"division {code} was abolished from {tomorrow.isoformat()}",
    }
    listed = (await a.get("/divisions", within="330727101", level="village")).json()["items"]
    assert next(d for d in listed if d["code"] == code)["valid_to"] == tomorrow.isoformat()

    # a division of another county is not the county's: not taken in
    await publish(nats_admin, a, division("330726101201", "邻县村", at=a.clock.now()))
    assert await a.count("SELECT count(*) FROM divisions WHERE code LIKE '330726%'") == 0

    # assistance registers no division itself
    route = await a.request("POST", "/divisions", json={"code": "330727101299", "name": "V299"})
    assert route.status_code in (404, 405)
