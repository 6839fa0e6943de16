"""The 低保 case end to end through the HTTP API, on the real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from minzheng_contracts import DeathRegistered, DeathRegisteredData, make_resident_id

if TYPE_CHECKING:
    from conftest import Running

HEAD = make_resident_id("330727", date(1961, 5, 4), 11).reveal()
CHILD = make_resident_id("330727", date(2011, 9, 1), 12).reveal()
ALONE = make_resident_id("330727", date(1940, 2, 2), 13).reveal()
WATCH = Path(__file__).with_name("watch.py")


def application(head: str = HEAD, child: str | None = CHILD, income: int = 30_000) -> dict[str, object]:
    members = [
        {
            "resident_id": head,
            "relationship": "self",
            "monthly_income_fen": income,
            "employment": "unemployed",
        }
    ]
    if child:
        members.append(
            {"resident_id": child, "relationship": "child", "monthly_income_fen": 0, "employment": "student"}
        )
    return {"programme": "dibao_rural", "residence": "330727101201", "members": members}


async def reviewed_on_notice(a: Running, body: dict[str, object]) -> str:
    hid = (await a.post("/households", body, expect=201)).json()["household_id"]
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True, "notes": "ok"}, expect=200)
    notice = await a.post(f"/households/{hid}/notice", expect=200)
    assert notice.json()["status"] == "notice"
    return str(hid)


async def test_from_application_to_payment(assistance: Running, stack) -> None:  # type: ignore[no-untyped-def]
    a = assistance
    hid = await reviewed_on_notice(a, application())
    # an objection during the notice blocks approval until resolved
    oid = (await a.post(f"/households/{hid}/objections", {"summary": "owns a car?"}, expect=201)).json()[
        "objection_id"
    ]
    approver = a.approver()  # not official-17, who recorded the home investigation
    blocked = await a.post(f"/households/{hid}/approval", {"classification": "B"}, 409, approver)
    assert blocked.json()["error"]["code"] == "open_objection"
    await a.post(
        f"/households/{hid}/objections/{oid}/resolution",
        {"upheld": False, "resolution": "no car"},
        expect=200,
    )
    early = await a.post(f"/households/{hid}/approval", {"classification": "B"}, 409, approver)
    assert early.json()["error"]["code"] == "notice_period_not_over"
    a.clock.advance(timedelta(days=7, minutes=1))
    approved = await a.post(f"/households/{hid}/approval", {"classification": "B"}, 200, approver)
    assert approved.json()["status"] == "active"

    # March at the old standard: (352 − 300/2 yuan) × 2 = 404 yuan
    march = (await a.post("/payment-runs", {"period": "2026-03"}, expect=201)).json()
    assert (march["paid"], march["total_fen"]) == (1, (35_200 - 15_000) * 2)
    again = (await a.post("/payment-runs", {"period": "2026-03"}, expect=201)).json()
    assert (again["paid"], again["already_paid"]) == (0, 1)
    # April (a month is paid once it has begun): the raise to 396 yuan is in force from 2026-04-01
    a.clock.advance(timedelta(days=31))
    april = (await a.post("/payment-runs", {"period": "2026-04"}, expect=201)).json()
    assert april["total_fen"] == (39_600 - 15_000) * 2
    history = (await a.http.get(f"/households/{hid}/payments")).json()
    assert [(p["period"], p["amount_fen"]) for p in history] == [("2026-03", 40_400), ("2026-04", 49_200)]
    assert history[1]["standard_id"] == "dibao_rural:330727:2026-04-01"

    timeline = (await a.http.get(f"/households/{hid}/timeline")).json()
    assert [e["event_type"] for e in timeline][:2] == ["HouseholdApplied", "ReviewStepRecorded"]
    assert timeline[-1]["event_type"] == "ApprovalGranted" and timeline[-1]["actor"] == "approver-1"
    roll = (await a.http.get("/roll", params={"township": "330727101"})).json()
    assert roll == [{"township": "330727101", "category": "rural", "households": 1, "persons": 2}]
    summary = (await a.http.get("/payments/summary", params={"period": "2026-04"})).json()
    assert summary == [{"period": "2026-04", "programme": "dibao_rural", "payments": 1, "amount_fen": 49_200}]

    # a second process reading the stream sees each contract exactly once
    await a.relay_caught_up()
    out = subprocess.run(
        [sys.executable, str(WATCH), stack.nats_admin_url, hid],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = Counter(json.loads(line)["event_type"] for line in out.stdout.splitlines())
    assert seen == Counter({"HouseholdApplied": 1, "ApprovalGranted": 1, "PaymentIssued": 2})


async def test_notice_list_and_rejection(assistance: Running) -> None:
    a = assistance
    hid = await reviewed_on_notice(a, application())
    listed = (await a.http.get("/notices", params={"village": "330727101201"})).json()
    assert [n["household_id"] for n in listed] == [hid]
    await a.post(f"/households/{hid}/rejection", {"reason": "undeclared income"}, expect=200)
    # the people are free to apply again in a new case
    await a.post("/households", application(), expect=201)


async def test_bad_input_is_refused_and_nothing_is_written(assistance: Running) -> None:
    a = assistance
    bad_id = HEAD[:-1] + ("0" if HEAD[-1] != "0" else "1")
    r = await a.post("/households", application(head=bad_id), expect=422)
    assert r.json()["error"]["field"] == "members.0.resident_id" and bad_id not in r.text
    r = await a.post("/households", application(income=-1), expect=422)
    assert r.json()["error"]["field"] == "members.0.monthly_income_fen"
    unknown = {**application(), "residence": "330727109201"}
    r = await a.post("/households", unknown, expect=422)
    assert r.json()["error"]["code"] == "unknown_division"
    outside = {**application(), "residence": "330728101201"}
    assert (await a.post("/households", outside, expect=422)).json()["error"]["code"] == "outside_county"
    await a.post("/households", application(), expect=201)
    r = await a.post(
        "/households", application(head=make_resident_id("330727", date(1970, 1, 1), 99).reveal()), expect=409
    )
    assert r.json()["error"] == {
        "code": "person_in_other_household",
        "field": "members.1.resident_id",
        "message": "this person is already in another open assistance case",
    }
    claim = {"claim_id": "c1", "beneficiary": HEAD, "residence": "330727101201", "receipts": []}
    r = await a.post("/medical-claims", claim, expect=422)
    assert r.json()["error"]["field"] == "receipts"
    async with a.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_type = 'household'") == 1
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_type = 'medical'") == 0


async def test_death_of_a_sole_member_terminates_and_stops_payment(assistance: Running, nats_admin) -> None:  # type: ignore[no-untyped-def]
    a = assistance
    hid = await reviewed_on_notice(a, application(head=ALONE, child=None, income=0))
    pair = await reviewed_on_notice(a, application())
    a.clock.advance(timedelta(days=8))
    await a.post(f"/households/{hid}/approval", {}, 200, a.approver())
    await a.post(f"/households/{pair}/approval", {}, 200, a.approver())
    for deceased in (ALONE, CHILD):
        event = DeathRegistered.new(
            data=DeathRegisteredData(
                registration_id=uuid.uuid4(),
                deceased=deceased,
                date_of_death=date(2026, 3, 9),
                place="330727101201",
                registered_at=a.clock.now(),
            ),
            producer="registry",
            jurisdiction="330727101201",
        )
        await nats_admin.jetstream().publish(
            DeathRegistered.SUBJECT,
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(event.event_id)},
        )
    for _ in range(200):
        single = (await a.http.get(f"/households/{hid}")).json()
        family = (await a.http.get(f"/households/{pair}")).json()
        if single["status"] == "terminated" and family["recheck_due"]:
            break
        await asyncio.sleep(0.1)
    assert single["status"] == "terminated" and single["closed_reason"] == "death"
    assert family["status"] == "active" and family["members"] == 1 and family["recheck_due"]
    a.clock.advance(timedelta(days=31))  # into April: a month is paid once it has begun
    refused = await a.post(f"/households/{hid}/payments", {"period": "2026-04"}, expect=409)
    assert refused.json()["error"]["code"] == "not_payable"
    # the family is paid for two in March and for one from April (the next period)
    await a.post("/payment-runs", {"period": "2026-03"}, expect=201)
    await a.post("/payment-runs", {"period": "2026-04"}, expect=201)
    history = (await a.http.get(f"/households/{pair}/payments")).json()
    assert [(p["period"], p["amount_fen"]) for p in history] == [
        ("2026-03", 40_400),
        ("2026-04", 39_600 - 30_000),
    ]


async def test_medical_claim_is_paid_up_to_the_annual_cap(assistance: Running) -> None:
    a = assistance
    claim = {"beneficiary": HEAD, "residence": "330727101201"}
    first = await a.post(
        "/medical-claims",
        {**claim, "claim_id": "c1", "receipts": [{"number": "R1", "amount_fen": 1_000_000}]},
        expect=201,
    )
    assert (first.json()["paid_fen"], first.json()["capped"]) == (700_000, False)
    second = await a.post(
        "/medical-claims",
        {**claim, "claim_id": "c2", "receipts": [{"number": "R2", "amount_fen": 1_000_000}]},
        expect=201,
    )
    assert (second.json()["paid_fen"], second.json()["capped"], second.json()["cap_remaining_fen"]) == (
        300_000,
        True,
        0,
    )
    assert await a.post(
        "/medical-claims",
        {**claim, "claim_id": "c2", "receipts": [{"number": "R2", "amount_fen": 1}]},
        expect=409,
    )
    over = await a.post(
        "/temporary-aid",
        {"beneficiary": HEAD, "residence": "330727101201", "cause": "fire", "amount_fen": 300_001},
        expect=422,
    )
    assert over.json()["error"]["code"] == "over_temporary_aid_limit"
