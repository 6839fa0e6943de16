"""Twenty identical or competing commands at once: exactly one effect, the others a 409 with a
domain code (or, for the same id and the same body, the original result), never a 5xx."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx

from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
PARALLEL = 20


def person(n: int) -> str:
    return make_resident_id("330727", date(1960, 1, 1 + n % 28), 500 + n).reveal()


def application(head: str, household_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme": "dibao_rural",
        "residence": VILLAGE,
        "members": [
            {"resident_id": head, "relationship": "self", "monthly_income_fen": 0, "employment": "unemployed"}
        ],
    }
    if household_id is not None:
        body["household_id"] = household_id
    return body


def outcomes(responses: list[httpx.Response]) -> Counter[tuple[int, str]]:
    return Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "ok") for r in responses
    )


async def test_twenty_applications_for_one_person_one_household(assistance: Running) -> None:
    a = assistance
    head = person(1)
    responses = await asyncio.gather(*(a.post("/households", application(head)) for _ in range(PARALLEL)))
    got = outcomes(responses)
    assert got == Counter({(201, "ok"): 1, (409, "person_in_other_household"): PARALLEL - 1}), got
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'household'") == 1
    assert await a.count("SELECT count(*) FROM enrolments") == 1


async def test_twenty_applications_with_one_household_id_the_original_result(assistance: Running) -> None:
    a = assistance
    hid = str(uuid.uuid4())
    body = application(person(2), hid)
    responses = await asyncio.gather(*(a.post("/households", body) for _ in range(PARALLEL)))
    assert outcomes(responses) == Counter({(201, "ok"): PARALLEL})
    assert {r.json()["household_id"] for r in responses} == {hid}
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'household'") == 1


async def test_twenty_applications_with_one_household_id_and_other_people(assistance: Running) -> None:
    a = assistance
    hid = str(uuid.uuid4())
    responses = await asyncio.gather(
        *(a.post("/households", application(person(10 + n), hid)) for n in range(PARALLEL))
    )
    got = outcomes(responses)
    assert got == Counter({(201, "ok"): 1, (409, "id_reused"): PARALLEL - 1}), got
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'household'") == 1
    assert await a.count("SELECT count(*) FROM enrolments") == 1


async def test_twenty_tekun_confirmations_for_one_person(assistance: Running) -> None:
    a = assistance
    body = {"person": person(3), "residence": VILLAGE, "mode": "dispersed"}
    responses = await asyncio.gather(*(a.post("/tekun", body) for _ in range(PARALLEL)))
    got = outcomes(responses)
    assert got == Counter({(201, "ok"): 1, (409, "person_already_supported"): PARALLEL - 1}), got
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'tekun'") == 1


async def test_twenty_tekun_confirmations_with_one_case_id(assistance: Running) -> None:
    a = assistance
    cid = str(uuid.uuid4())
    body = {"case_id": cid, "person": person(4), "residence": VILLAGE, "mode": "dispersed"}
    responses = await asyncio.gather(*(a.post("/tekun", body) for _ in range(PARALLEL)))
    assert outcomes(responses) == Counter({(201, "ok"): PARALLEL})
    assert {r.json()["case_id"] for r in responses} == {cid}
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'tekun'") == 1
