"""Every integer and string of the HTTP models is bounded, dates are strict, and resident IDs that
cannot have been issued are refused: a 422 naming the field, nothing written, no ID echoed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from minzheng_contracts import InvalidResidentIdError, ResidentId, make_resident_id
from minzheng_contracts.resident_id import resident_id_checksum

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
HEAD = make_resident_id("330727", date(1961, 5, 4), 31).reveal()


def household(income: object = 0, resident_id: str = HEAD) -> dict[str, Any]:
    member = {
        "resident_id": resident_id,
        "relationship": "self",
        "monthly_income_fen": income,
        "employment": "unemployed",
    }
    return {"programme": "dibao_rural", "residence": VILLAGE, "members": [member]}


def standard(**change: object) -> dict[str, object]:
    return {
        "parameter": "dibao_urban",
        "jurisdiction": "330727",
        "effective_from": "2027-01-01",
        "value": 60_000,
        **change,
    }


async def refused(a: Running, path: str, body: object, field: str, code: str | None = None) -> None:
    r = await a.post(path, body, expect=422)
    error = r.json()["error"]
    assert error["field"] == field, error
    if code is not None:
        assert error["code"] == code, error
    assert HEAD not in r.text


async def nothing_written(a: Running) -> None:
    assert (
        await a.count("SELECT count(*) FROM events WHERE stream_type NOT IN ('registry', 'standards')") == 0
    )
    assert await a.count("SELECT count(*) FROM enrolments") == 0


async def test_incomes_and_amounts_are_bounded(assistance: Running) -> None:
    a = assistance
    income = "members.0.monthly_income_fen"
    await refused(a, "/households", household(10**30), income, "integer_out_of_range")
    await refused(a, "/households", household(10**10 + 1), income, "invalid_input")
    await refused(a, "/households", household(1.5), income)
    await refused(a, "/households", household("100"), income)
    grant = {"beneficiary": HEAD, "residence": VILLAGE, "cause": "fire", "amount_fen": 10**10 + 1}
    await refused(a, "/temporary-aid", grant, "amount_fen")
    claim = {
        "claim_id": "c-1",
        "beneficiary": HEAD,
        "residence": VILLAGE,
        "receipts": [{"number": "R1", "amount_fen": 10**10 + 1}],
    }
    await refused(a, "/medical-claims", claim, "receipts.0.amount_fen")
    many = {**claim, "receipts": [{"number": f"R{n}", "amount_fen": 1} for n in range(101)]}
    await refused(a, "/medical-claims", many, "receipts")
    await nothing_written(a)
    await a.post("/households", household(10**10), expect=201)


async def test_standards_are_bounded_and_their_dates_strict(assistance: Running) -> None:
    a = assistance
    before = await a.count("SELECT count(*) FROM standards")
    await refused(a, "/standards", standard(value=10**12 + 1), "value", "invalid_input")
    await refused(a, "/standards", standard(value=10**19), "value", "integer_out_of_range")
    await refused(a, "/standards", standard(value=-1), "value")
    for not_a_date in (0, "0", 20270101, "2027-01-01T00:00:00", "01/01/2027", None):
        await refused(a, "/standards", standard(effective_from=not_a_date), "effective_from")
    r = await a.post("/standards", standard(parameter="medical_rate", value=10_001), expect=422)
    assert r.json()["error"]["code"] == "standard_out_of_range"
    assert await a.count("SELECT count(*) FROM standards") == before
    await a.post("/standards", standard(value=10**12 - 1), expect=201)


async def test_strings_are_bounded(assistance: Running) -> None:
    a = assistance
    claim = {"beneficiary": HEAD, "residence": VILLAGE, "receipts": [{"number": "R1", "amount_fen": 1}]}
    await refused(a, "/medical-claims", {**claim, "claim_id": "c" * 101}, "claim_id")
    await refused(a, "/medical-claims", {**claim, "claim_id": "a claim"}, "claim_id")
    hid = (await a.post("/households", household(), expect=201)).json()["household_id"]
    await refused(a, f"/households/{hid}/steps/investigation", {"passed": True, "notes": "n" * 2001}, "notes")
    await refused(a, f"/households/{hid}/rejection", {"reason": "r" * 2001}, "reason")
    await refused(a, f"/households/{hid}/approval", {"classification": "B" * 11}, "classification")
    r = await a.post(
        f"/households/{hid}/objections/{'o' * 101}/resolution", {"upheld": False, "resolution": "x"}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "oid"
    assert (await a.http.get("/payments/summary", params={"period": "x" * 200})).status_code == 422
    assert (await a.http.get("/payments/summary", params={"programme": "nope"})).status_code == 422


async def test_recheck_incomes_are_a_bounded_list_that_never_echoes_an_id(assistance: Running) -> None:
    a = assistance
    hid = (await a.post("/households", household(), expect=201)).json()["household_id"]
    body = {"incomes": [{"resident_id": HEAD, "monthly_income_fen": 10**10 + 1}]}
    await refused(a, f"/households/{hid}/recheck", body, "incomes.0.monthly_income_fen")
    await refused(a, f"/households/{hid}/recheck", {"incomes": {HEAD: 1}}, "incomes")
    await refused(a, f"/households/{hid}/recheck", {"incomes": []}, "incomes")


def issued(body17: str) -> str:
    return body17 + resident_id_checksum(body17)


def refuses(value: str) -> bool:
    try:
        ResidentId(value)
    except InvalidResidentIdError:
        return True
    return False


FUTURE = issued(f"330727{date.today() + timedelta(days=3):%Y%m%d}001")
NO_REGION = issued("00000019800101001")


@pytest.mark.skipif(
    not (refuses(FUTURE) and refuses(NO_REGION)),
    reason="minzheng_contracts.ResidentId does not yet refuse a future birth date or region 000000",
)
async def test_resident_ids_that_cannot_have_been_issued_are_refused(assistance: Running) -> None:
    a = assistance
    for rid in (FUTURE, NO_REGION):
        r = await a.post("/households", household(resident_id=rid), expect=422)
        assert r.json()["error"]["field"] == "members.0.resident_id" and rid not in r.text
        r = await a.post("/tekun", {"person": rid, "residence": VILLAGE, "mode": "dispersed"}, expect=422)
        assert r.json()["error"]["field"] == "person" and rid not in r.text
    await nothing_written(a)
