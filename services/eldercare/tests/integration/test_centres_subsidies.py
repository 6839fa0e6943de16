"""Centre subsidies on the real stack: a round whose types do not add up to its total is 422 with
nothing written; a subsidy only to an accepted (or operating) centre, from the round's money of
its type; once per type, centre and reference (a repeat, also eight at once, is 200 with the
first payment and one stream, one draw); the reads: the list with its filters, the totals by
type, the round with what it has paid."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from minzheng_eventstore.testing import refused

from .conftest import Running
from .test_centres_lifecycle import VILLAGE, accepted_centre, events, plan

ROUND = {
    "round_id": "330727-2026",
    "year": 2026,
    "total_fen": 2_291_780,
    "amounts": {"construction": 470_000, "operating": 827_000, "meals": 994_780},
    "decided_on": "2026-01-10",
}


async def a_round(eldercare: Running, **changes: Any) -> dict[str, Any]:
    body = {**ROUND, **changes}
    await eldercare.post("/subsidy-rounds", body, expect=201)
    return body


def payment(
    kind: str = "operating", amount: int = 100_000, reference: str = "2026", **changes: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "reference": reference,
        "amount_fen": amount,
        "round_id": ROUND["round_id"],
        "paid_on": "2026-03-02",
        **changes,
    }


async def test_a_round_whose_types_do_not_add_up_is_refused_with_nothing_written(eldercare: Running) -> None:
    before = await events(eldercare)
    refused(
        await eldercare.post("/subsidy-rounds", {**ROUND, "total_fen": 2_291_781}),
        422,
        "types_do_not_add_up",
        "total_fen",
    )
    assert await events(eldercare) == before
    assert await eldercare.fetchval("SELECT count(*) FROM eldercare_round_budget") == 0
    first = await eldercare.post("/subsidy-rounds", ROUND, expect=201)
    assert first.json()["amounts"] == ROUND["amounts"]
    assert (await eldercare.post("/subsidy-rounds", ROUND, expect=200)).json() == first.json()
    refused(
        await eldercare.post("/subsidy-rounds", {**ROUND, "total_fen": 1, "amounts": {"meals": 1}}),
        409,
        "round_exists",
    )
    for bad in ({**ROUND, "amounts": {"cakes": 1}}, {**ROUND, "total_fen": -1}, {**ROUND, "round_id": "a b"}):
        assert (await eldercare.post("/subsidy-rounds", bad)).status_code == 422


async def test_only_an_accepted_or_operating_centre_is_paid_with_nothing_written_otherwise(
    eldercare: Running,
) -> None:
    await a_round(eldercare)
    cid = await plan(eldercare)
    before = await events(eldercare)
    refused(await eldercare.post(f"/care-centres/{cid}/subsidies", payment()), 409, "centre_not_accepted")
    await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-20"}, expect=201)
    before = await events(eldercare)
    refused(await eldercare.post(f"/care-centres/{cid}/subsidies", payment()), 409, "centre_not_accepted")
    refused(
        await eldercare.post(f"/care-centres/{uuid.uuid4()}/subsidies", payment()), 404, "centre_not_found"
    )
    assert await events(eldercare) == before
    await eldercare.post(f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-27"}, expect=201)
    paid = await eldercare.post(f"/care-centres/{cid}/subsidies", payment(), expect=201)
    assert (paid.json()["centre_id"], paid.json()["amount_fen"]) == (cid, 100_000)
    await eldercare.post(f"/care-centres/{cid}/operating", {"opened_on": "2026-03-02"}, expect=201)
    await eldercare.post(f"/care-centres/{cid}/subsidies", payment("meals", 5_000), expect=201)


async def test_a_repeat_is_200_with_the_first_payment_and_another_amount_409(eldercare: Running) -> None:
    await a_round(eldercare)
    cid = await accepted_centre(eldercare)
    first = await eldercare.post(f"/care-centres/{cid}/subsidies", payment(), expect=201)
    before = await events(eldercare)
    again = await eldercare.post(f"/care-centres/{cid}/subsidies", payment(paid_on="2026-03-01"), expect=200)
    assert again.json() == first.json()
    refused(
        await eldercare.post(f"/care-centres/{cid}/subsidies", payment(amount=100_001)),
        409,
        "already_paid_differently",
        "reference",
    )
    assert await events(eldercare) == before
    other = await eldercare.post(f"/care-centres/{cid}/subsidies", payment(reference="2026-H2"), expect=201)
    assert other.json()["payment_id"] != first.json()["payment_id"]
    assert (
        await eldercare.fetchval("SELECT paid_fen FROM eldercare_round_budget WHERE kind = 'operating'")
        == 200_000
    )


async def test_eight_at_once_pay_once(eldercare: Running) -> None:
    await a_round(eldercare)
    cid = await accepted_centre(eldercare)
    answers = await asyncio.gather(
        *(eldercare.post(f"/care-centres/{cid}/subsidies", payment()) for _ in range(8))
    )
    assert sorted(r.status_code for r in answers) == [200] * 7 + [201], [r.text for r in answers]
    assert len({r.json()["payment_id"] for r in answers}) == 1
    streams = await eldercare.service.host.store.stream_ids("payment-centre-", stream_type="centre-subsidy")
    assert len(streams) == 1
    assert (
        await eldercare.fetchval("SELECT paid_fen FROM eldercare_round_budget WHERE kind = 'operating'")
        == 100_000
    )


async def test_a_type_is_paid_at_most_its_amount_in_the_round_also_at_once(eldercare: Running) -> None:
    await a_round(eldercare)
    centres = [await accepted_centre(eldercare) for _ in range(5)]
    answers = await asyncio.gather(
        *(eldercare.post(f"/care-centres/{c}/subsidies", payment("construction", 200_000)) for c in centres)
    )
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 201, 422, 422, 422], [r.text for r in answers]
    assert all(r.json()["error"]["code"] == "over_round_amount" for r in answers if r.status_code == 422)
    assert (
        await eldercare.fetchval("SELECT paid_fen FROM eldercare_round_budget WHERE kind = 'construction'")
        == 400_000
    )
    streams = await eldercare.service.host.store.stream_ids("payment-centre-construction-")
    assert len(streams) == 2
    refused(
        await eldercare.post(f"/care-centres/{centres[0]}/subsidies", payment(round_id="nope")),
        404,
        "round_not_found",
    )
    refused(
        await eldercare.post(f"/care-centres/{centres[0]}/subsidies", payment(paid_on="2026-02-26")),
        422,
        "paid_before_acceptance",
        "paid_on",
    )
    refused(
        await eldercare.post(f"/care-centres/{centres[0]}/subsidies", payment(paid_on="2026-03-03")),
        422,
        "paid_in_future",
        "paid_on",
    )
    for bad in (payment(amount=0), payment(kind="bonus"), payment(reference=""), {**payment(), "x": 1}):
        assert (await eldercare.post(f"/care-centres/{centres[0]}/subsidies", bad)).status_code == 422


async def test_the_reads_list_filter_and_total_by_type(eldercare: Running) -> None:
    await a_round(eldercare)
    here = await accepted_centre(eldercare)
    there = await accepted_centre(eldercare, "330727102203")
    await eldercare.post(f"/care-centres/{here}/subsidies", payment("construction", 470_000), expect=201)
    await eldercare.post(f"/care-centres/{here}/subsidies", payment("operating", 400_000), expect=201)
    await eldercare.post(f"/care-centres/{there}/subsidies", payment("operating", 427_000), expect=201)
    await eldercare.post(f"/care-centres/{there}/subsidies", payment("meals", 994_780), expect=201)
    listed = (await eldercare.get("/subsidies")).json()
    assert listed["total"] == 4
    operating = (await eldercare.get("/subsidies", kind="operating")).json()
    assert {x["beneficiary"] for x in operating["items"]} == {here, there}
    township = (await eldercare.get("/subsidies", township="330727101")).json()
    assert {x["kind"] for x in township["items"]} == {"construction", "operating"}
    assert (await eldercare.get("/subsidies", year=2025)).json()["total"] == 0
    totals = (await eldercare.get("/subsidies/totals")).json()
    assert totals["by_kind"] == {
        "construction": {"count": 1, "total_fen": 470_000},
        "operating": {"count": 2, "total_fen": 827_000},
        "meals": {"count": 1, "total_fen": 994_780},
    }
    assert totals["total_fen"] == ROUND["total_fen"]
    got = (await eldercare.get(f"/subsidy-rounds/{ROUND['round_id']}")).json()
    assert got["paid"] == ROUND["amounts"] and got["total_fen"] == sum(got["paid"].values())
    page = (await eldercare.get("/subsidies", limit=3, offset=3)).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    assert (await eldercare.get("/subsidies", expect=None, kind="gift")).status_code == 422
    assert VILLAGE.startswith("330727101")
