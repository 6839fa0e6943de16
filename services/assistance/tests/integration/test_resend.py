"""Re-sent commands, one rule on every command that takes a client id (households, objections,
特困 cases, temporary aid grants, medical claims): the same id with the same body answers with the
original result and writes nothing; the same id with another body is a 409 ``id_reused``."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
HEAD = make_resident_id("330727", date(1966, 6, 6), 601).reveal()
OTHER = make_resident_id("330727", date(1967, 7, 7), 602).reveal()
CLEAR_ID = re.compile(
    r"[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]"
)


async def events(a: Running) -> int:
    return await a.count("SELECT count(*) FROM events WHERE stream_type NOT IN ('registry', 'standards')")


async def same_then_other(
    a: Running, path: str, body: dict[str, Any], other: dict[str, Any], field: str
) -> Any:
    first = await a.post(path, body, expect=201)
    written = await events(a)
    again = await a.post(path, body, expect=201)
    assert again.json() == first.json()
    assert await events(a) == written
    refused = await a.post(path, other, expect=409)
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == ("id_reused", field)
    assert await events(a) == written
    return first.json()


def household(head: str, income: int = 0) -> dict[str, Any]:
    member = {
        "resident_id": head,
        "relationship": "self",
        "monthly_income_fen": income,
        "employment": "unemployed",
    }
    return {
        "household_id": str(uuid.uuid4()),
        "programme": "dibao_rural",
        "residence": VILLAGE,
        "members": [member],
    }


async def test_households(assistance: Running) -> None:
    body = household(HEAD)
    await same_then_other(
        assistance, "/households", body, {**body, "official_relative": True}, "household_id"
    )


async def test_objections(assistance: Running) -> None:
    a = assistance
    hid = (await a.post("/households", household(HEAD), expect=201)).json()["household_id"]
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    path = f"/households/{hid}/objections"
    body = {"objection_id": "ob-1", "summary": "owns a car?"}
    await same_then_other(a, path, body, {**body, "summary": "rents a shop"}, "objection_id")
    await a.post(f"{path}/ob-1/resolution", {"upheld": False, "resolution": "no car"}, expect=200)
    # re-sent after it was resolved: the original result, and no second objection
    again = await a.post(path, body, expect=201)
    assert (again.json()["objection_id"], again.json()["open_objections"]) == ("ob-1", 0)
    kinds = [e["event_type"] for e in (await a.get(f"/households/{hid}/timeline")).json()]
    assert kinds.count("ObjectionRaised") == 1


async def test_tekun_cases(assistance: Running) -> None:
    a = assistance
    body = {"case_id": str(uuid.uuid4()), "person": HEAD, "residence": VILLAGE, "mode": "dispersed"}
    await same_then_other(a, "/tekun", body, {**body, "mode": "centralised"}, "case_id")
    await a.post(f"/tekun/{body['case_id']}/mode", {"mode": "centralised"}, expect=200)
    await a.post("/tekun", body, expect=201)  # the first confirmation, re-sent after a mode change
    refused = await a.post("/tekun", {**body, "person": OTHER}, expect=409)
    assert refused.json()["error"]["code"] == "id_reused"


async def test_temporary_aid_grants(assistance: Running) -> None:
    body = {
        "grant_id": str(uuid.uuid4()),
        "beneficiary": HEAD,
        "residence": VILLAGE,
        "cause": "fire",
        "amount_fen": 100_000,
    }
    await same_then_other(assistance, "/temporary-aid", body, {**body, "amount_fen": 100_001}, "grant_id")


async def test_medical_claims_whoever_and_whenever(assistance: Running) -> None:
    a = assistance
    body = {
        "claim_id": "claim-1",
        "beneficiary": HEAD,
        "residence": VILLAGE,
        "receipts": [{"number": "R1", "amount_fen": 100_000}],
    }
    first = await same_then_other(
        a, "/medical-claims", body, {**body, "receipts": [{"number": "R1", "amount_fen": 1}]}, "claim_id"
    )
    assert first["paid_fen"] == 70_000
    # the same claim id for another person is another claim: refused
    other = await a.post("/medical-claims", {**body, "beneficiary": OTHER}, expect=409)
    assert other.json()["error"]["code"] == "id_reused"
    # re-sent next year: the claim as paid last year, not a second payment
    a.clock.advance(timedelta(days=365))
    again = await a.post("/medical-claims", body, expect=201)
    assert again.json() == first
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'medical'") == 1


async def test_no_stream_id_or_guard_row_holds_a_resident_id(assistance: Running) -> None:
    a = assistance
    sent = [HEAD, OTHER, make_resident_id("330727", date(1950, 1, 1), 603).reveal()]
    await a.post("/households", household(HEAD), expect=201)
    await a.post("/tekun", {"person": OTHER, "residence": VILLAGE, "mode": "dispersed"}, expect=201)
    await a.post(
        "/temporary-aid",
        {"beneficiary": sent[2], "residence": VILLAGE, "cause": "fire", "amount_fen": 1},
        expect=201,
    )
    for n, person in enumerate(sent):
        claim = {
            "claim_id": f"c-{n}",
            "beneficiary": person,
            "residence": VILLAGE,
            "receipts": [{"number": "R1", "amount_fen": 10_000}],
        }
        await a.post("/medical-claims", claim, expect=201)
    # a payment run writes streams too
    await a.post("/payment-runs", {"period": "2026-03"}, expect=201)
    async with a.service.host.store.pool.acquire() as conn:
        streams = [r[0] for r in await conn.fetch("SELECT DISTINCT stream_id FROM events")]
        guards = [r[0] for r in await conn.fetch("SELECT resident_id FROM enrolments")]
        guards += [r[0] for r in await conn.fetch("SELECT stream_id FROM medical_claims")]
    medical = [s for s in streams if s.startswith("medical-")]
    assert len(medical) == 3 and len(guards) == 2 + 3
    for text in [*streams, *guards]:
        assert not CLEAR_ID.search(text), text
        assert not any(person in text for person in sent), text
