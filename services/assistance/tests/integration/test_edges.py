"""Poison inputs are refused at the edge with a 4xx, and nothing is written: no event, no guard row.
And a 特困 case is paid by a run, naming the person (the payment its contract used to refuse)."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


def person(n: int) -> str:
    return make_resident_id("330727", date(1950, 1, 1 + n % 28), n).reveal()


def member(n: int, relationship: str) -> dict[str, Any]:
    return {
        "resident_id": person(n),
        "relationship": relationship,
        "monthly_income_fen": 0,
        "employment": "unemployed",
    }


async def written(a: Running) -> tuple[int, int]:
    """Events and enrolment rows, besides the fixture's configuration."""
    events = await a.count("SELECT count(*) FROM events WHERE stream_type NOT IN ('registry', 'standards')")
    return events, await a.count("SELECT count(*) FROM enrolments")


async def test_a_household_without_an_applicant_is_refused(assistance: Running) -> None:
    body = {"programme": "dibao_rural", "residence": VILLAGE, "members": [member(1, "child")]}
    r = await assistance.post("/households", body, expect=422)
    assert r.json()["error"]["field"] == "members"
    assert await written(assistance) == (0, 0)


async def test_a_household_with_two_applicants_is_refused(assistance: Running) -> None:
    members = [member(1, "self"), member(2, "self")]
    r = await assistance.post(
        "/households", {"programme": "dibao_rural", "residence": VILLAGE, "members": members}, expect=422
    )
    assert r.json()["error"]["field"] == "members"
    assert await written(assistance) == (0, 0)


async def test_a_household_of_130001_members_is_refused(assistance: Running) -> None:
    one = member(3, "child")
    members = [member(1, "self"), *([one] * 130_000)]
    body = json.dumps({"programme": "dibao_rural", "residence": VILLAGE, "members": members})
    r = await assistance.http.post(
        "/households", content=body, headers={**assistance.headers, "content-type": "application/json"}
    )
    # ~14 MB: the host's body limit answers first; under it, the members cap does (next test)
    assert r.status_code == 413, r.text[:500]
    assert r.json()["error"]["code"] == "body_too_large"
    assert await written(assistance) == (0, 0)


async def test_a_household_over_the_members_cap_is_refused(assistance: Running) -> None:
    members = [member(1, "self"), *[member(100 + n, "other") for n in range(50)]]
    body = {"programme": "dibao_rural", "residence": VILLAGE, "members": members}
    r = await assistance.post("/households", body, expect=422)
    assert r.json()["error"]["field"] == "members"
    assert await written(assistance) == (0, 0)


async def test_fifty_members_are_accepted(assistance: Running) -> None:
    members = [member(1, "self"), *[member(100 + n, "other") for n in range(49)]]
    body = {"programme": "dibao_rural", "residence": VILLAGE, "members": members}
    await assistance.post("/households", body, expect=201)
    assert await written(assistance) == (1, 50)


async def test_a_tekun_case_is_paid_by_the_run_and_the_payment_names_the_person(assistance: Running) -> None:
    a = assistance
    supported = person(7)
    cid = (
        await a.post("/tekun", {"person": supported, "residence": VILLAGE, "mode": "dispersed"}, expect=201)
    ).json()["case_id"]
    run = (await a.post("/payment-runs", {"period": "2026-03"}, expect=201)).json()
    assert (run["paid"], run["total_fen"]) == (1, 60_000)
    async with a.service.host.store.pool.acquire() as conn:
        data = json.loads(
            await conn.fetchval("SELECT data::text FROM events WHERE event_type = 'PaymentIssued'")
        )
        assert (
            await conn.fetchval("SELECT person FROM tekun_cases WHERE case_id = $1::uuid", cid) == supported
        )
    assert (data["beneficiary"], data["household_id"], data["case_id"]) == (supported, None, cid)
    await a.relay_caught_up()
    async with a.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox_parked") == 0
    again = (await a.post("/payment-runs", {"period": "2026-03"}, expect=201)).json()
    assert (again["paid"], again["already_paid"]) == (0, 1)


async def test_a_re_sent_application_returns_the_original_and_another_body_is_refused(
    assistance: Running,
) -> None:
    a = assistance
    body = {
        "household_id": "5d1b6c1e-0000-4000-8000-0000000000aa",
        "programme": "dibao_rural",
        "residence": VILLAGE,
        "members": [member(1, "self"), member(2, "child")],
    }
    first = await a.post("/households", body, expect=201)
    again = await a.post("/households", body, expect=201)
    assert again.json() == first.json()
    assert await written(a) == (1, 2)
    other = await a.post("/households", {**body, "members": [member(1, "self")]}, expect=409)
    assert other.json()["error"]["code"] == "id_reused"
    assert await written(a) == (1, 2)
