"""Private institutions' operating subsidies on the real stack: for an institution registered as
private (``POST /institutions``), a month's resident-months per care level × the standard in
force for the level and month, naming the standards; once per institution and month (a repeat,
also eight at once, is 200 with the first payment); another kind 422, an unknown one 404, a
stated total that disagrees 422, all with nothing written."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from minzheng_eventstore.testing import refused

from .conftest import Running
from .test_centres_lifecycle import events

TOWNSHIP = "330727101"


async def institution(eldercare: Running, kind: str = "private", township: str = TOWNSHIP) -> str:
    iid = f"home-{uuid.uuid4().hex[:12]}"
    await eldercare.post(
        "/institutions",
        {
            "institution_id": iid,
            "name": "某民办养老院",
            "kind": kind,
            "township": township,
            "beds": 40,
            "model": "private" if kind == "private" else "public",
            "registered_on": "2025-06-01",
        },
        expect=201,
    )
    return iid


def month(m: str = "2026-02", **levels: int) -> dict[str, Any]:
    return {"month": m, "resident_months": levels or {"self_care": 20, "partial": 12, "full": 6}}


async def test_a_month_is_resident_months_by_level_times_the_standards_in_force(eldercare: Running) -> None:
    iid = await institution(eldercare)
    paid = await eldercare.post(
        f"/institutions/{iid}/operating-subsidies", {**month(), "total_fen": 620_000}, expect=201
    )
    body = paid.json()
    assert (body["institution_id"], body["township"], body["month"], body["total_fen"]) == (
        iid,
        TOWNSHIP,
        "2026-02",
        620_000,
    )
    assert [
        (x["care_level"], x["resident_months"], x["rate_fen"], x["amount_fen"], x["standard_id"])
        for x in body["lines"]
    ] == [
        ("self_care", 20, 10_000, 200_000, "subsidy.private.self_care:330727:2012-04-01"),
        ("partial", 12, 20_000, 240_000, "subsidy.private.partial:330727:2012-04-01"),
        ("full", 6, 30_000, 180_000, "subsidy.private.full:330727:2012-04-01"),
    ]
    listed = (await eldercare.get("/subsidies", kind="private_institution")).json()
    assert [(x["beneficiary"], x["amount_fen"], x["reference"]) for x in listed["items"]] == [
        (iid, 620_000, "2026-02")
    ]
    assert len(listed["items"][0]["standard_ids"]) == 3
    totals = (await eldercare.get("/subsidies/totals", year=2026)).json()
    assert totals["by_kind"] == {"private_institution": {"count": 1, "total_fen": 620_000}}


async def test_a_new_standard_applies_from_its_month(eldercare: Running) -> None:
    await eldercare.post(
        "/standards",
        {
            "parameter": "subsidy.private.partial",
            "jurisdiction": "330727",
            "effective_from": "2026-02-01",
            "value": 25_000,
        },
        expect=201,
    )
    iid = await institution(eldercare)
    jan = await eldercare.post(
        f"/institutions/{iid}/operating-subsidies", month("2026-01", partial=2), expect=201
    )
    feb = await eldercare.post(
        f"/institutions/{iid}/operating-subsidies", month("2026-02", partial=2), expect=201
    )
    assert (jan.json()["total_fen"], feb.json()["total_fen"]) == (40_000, 50_000)
    assert feb.json()["lines"][0]["standard_id"] == "subsidy.private.partial:330727:2026-02-01"
    response = await eldercare.post(
        "/standards",
        {
            "parameter": "subsidy.private.full",
            "jurisdiction": "330727",
            "effective_from": "2027-01-01",
            "value": 1_000_001,
        },
    )
    refused(response, 422, "standard_out_of_range", "value")


async def test_once_per_institution_and_month(eldercare: Running) -> None:
    iid = await institution(eldercare)
    first = await eldercare.post(f"/institutions/{iid}/operating-subsidies", month(), expect=201)
    before = await events(eldercare)
    again = await eldercare.post(f"/institutions/{iid}/operating-subsidies", month(), expect=200)
    assert again.json() == first.json()
    refused(
        await eldercare.post(f"/institutions/{iid}/operating-subsidies", month(partial=13)),
        409,
        "already_paid_differently",
        "month",
    )
    assert await events(eldercare) == before
    other = await institution(eldercare)
    answers = await asyncio.gather(
        *(eldercare.post(f"/institutions/{other}/operating-subsidies", month()) for _ in range(8))
    )
    assert sorted(r.status_code for r in answers) == [200] * 7 + [201], [r.text for r in answers]
    assert len({r.json()["payment_id"] for r in answers}) == 1
    streams = await eldercare.service.host.store.stream_ids(
        f"payment-private-{other}-", stream_type="private-subsidy"
    )
    assert streams == [f"payment-private-{other}-2026-02"]


async def test_refusals_name_their_rule_and_write_nothing(eldercare: Running) -> None:
    private = await institution(eldercare)
    nursing = await institution(eldercare, "nursing_home")
    before = await events(eldercare)
    refused(
        await eldercare.post(f"/institutions/{nursing}/operating-subsidies", month()),
        422,
        "not_private_institution",
        "institution_id",
    )
    refused(
        await eldercare.post("/institutions/no-such-home/operating-subsidies", month()),
        404,
        "institution_not_found",
    )
    refused(
        await eldercare.post(
            f"/institutions/{private}/operating-subsidies", {**month(), "total_fen": 619_999}
        ),
        422,
        "total_does_not_add_up",
        "total_fen",
    )
    refused(
        await eldercare.post(f"/institutions/{private}/operating-subsidies", month("2026-04")),
        422,
        "month_in_future",
    )
    refused(
        await eldercare.post(
            f"/institutions/{private}/operating-subsidies", {"month": "2026-02", "resident_months": {}}
        ),
        422,
        "nothing_due",
    )
    for bad, field in (
        ({**month(), "month": "2026-13"}, "month"),
        ({**month(), "month": "2026-2"}, "month"),
        ({"month": "2026-02", "resident_months": {"luxury": 3}}, "luxury"),
        ({"month": "2026-02", "resident_months": {"partial": -1}}, "partial"),
        ({"month": "2026-02", "resident_months": {"partial": 100_001}}, "partial"),
        ({**month(), "extra": True}, "extra"),
    ):
        response = await eldercare.post(f"/institutions/{private}/operating-subsidies", bad)
        assert response.status_code == 422 and field in response.text, response.text
    assert (await eldercare.post("/institutions/bad id!/operating-subsidies", month())).status_code in (
        404,
        422,
    )
    caseworker = eldercare.as_caller("township-caseworker", division=TOWNSHIP)
    response = await eldercare.post(
        f"/institutions/{private}/operating-subsidies", month(), headers=caseworker
    )
    assert response.status_code == 403
    assert await events(eldercare) == before
