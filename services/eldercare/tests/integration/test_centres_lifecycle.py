"""Home-care centres on the real stack: planned → built → accepted → operating, every step out
of order refused with its rule (409 / 422) and nothing written, a repeated plan 200 with the
centre, bad input a 4xx naming the field, the list with its filters and paging, one centre, the
roles (acceptance is the county approver's)."""

from __future__ import annotations

import uuid
from typing import Any

from minzheng_eventstore.testing import refused

from .conftest import Running

VILLAGE = "330727101201"
OTHER_TOWNSHIP_VILLAGE = "330727102203"


async def events(eldercare: Running) -> int:
    return int(await eldercare.fetchval("SELECT count(*) FROM events"))


async def plan(eldercare: Running, division: str = VILLAGE, **body: Any) -> str:
    cid = str(uuid.uuid4())
    await eldercare.post(
        "/care-centres",
        {
            "centre_id": cid,
            "name": "东门村居家养老服务中心",
            "division": division,
            "planned_on": "2026-01-15",
            **body,
        },
        expect=201,
    )
    return cid


async def accepted_centre(eldercare: Running, division: str = VILLAGE) -> str:
    cid = await plan(eldercare, division)
    await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-20"}, expect=201)
    await eldercare.post(f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-27"}, expect=201)
    return cid


async def test_a_centre_goes_planned_built_accepted_operating(eldercare: Running) -> None:
    cid = await plan(eldercare)
    got = (await eldercare.get(f"/care-centres/{cid}")).json()
    assert (got["status"], got["planned_on"], got["division"]) == ("planned", "2026-01-15", VILLAGE)
    built = await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-20"}, expect=201)
    assert built.json()["status"] == "built"
    accepted = await eldercare.post(
        f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-27"}, expect=201
    )
    assert accepted.json()["status"] == "accepted"
    opened = await eldercare.post(f"/care-centres/{cid}/operating", {"opened_on": "2026-03-02"}, expect=201)
    assert (opened.json()["status"], opened.json()["opened_on"]) == ("operating", "2026-03-02")
    types = await eldercare.service.host.store.read_stream(f"care-centre-{cid}")
    assert [e.event_type for e in types] == [
        "CareCentrePlanned",
        "CareCentreBuilt",
        "CareCentreAccepted",
        "CareCentreOpened",
    ]


async def test_a_repeated_plan_is_200_with_the_centre_and_another_plan_under_its_id_409(
    eldercare: Running,
) -> None:
    cid = str(uuid.uuid4())
    body = {"centre_id": cid, "name": "西门村中心", "division": VILLAGE, "planned_on": "2026-01-15"}
    first = await eldercare.post("/care-centres", body, expect=201)
    before = await events(eldercare)
    again = await eldercare.post("/care-centres", body, expect=200)
    assert again.json() == first.json()
    refused(
        await eldercare.post("/care-centres", {**body, "name": "别的中心"}), 409, "id_reused", "centre_id"
    )
    assert await events(eldercare) == before


async def test_every_step_out_of_order_is_refused_with_its_rule_and_nothing_written(
    eldercare: Running,
) -> None:
    cid = await plan(eldercare)
    before = await events(eldercare)
    refused(
        await eldercare.post(f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-27"}),
        409,
        "centre_not_built",
    )
    refused(
        await eldercare.post(f"/care-centres/{cid}/operating", {"opened_on": "2026-02-27"}),
        409,
        "centre_not_accepted",
    )
    refused(
        await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-01-14"}),
        422,
        "built_before_planned",
        "built_on",
    )
    refused(
        await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-03-03"}),
        422,
        "built_in_future",
        "built_on",
    )
    assert await events(eldercare) == before
    await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-20"}, expect=201)
    before = await events(eldercare)
    refused(
        await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-21"}),
        409,
        "centre_already_built",
    )
    refused(
        await eldercare.post(f"/care-centres/{cid}/operating", {"opened_on": "2026-02-27"}),
        409,
        "centre_not_accepted",
    )
    refused(
        await eldercare.post(f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-19"}),
        422,
        "accepted_before_built",
        "accepted_on",
    )
    assert await events(eldercare) == before
    await eldercare.post(f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-27"}, expect=201)
    refused(
        await eldercare.post(f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-28"}),
        409,
        "centre_already_accepted",
    )
    await eldercare.post(f"/care-centres/{cid}/operating", {"opened_on": "2026-03-01"}, expect=201)
    refused(
        await eldercare.post(f"/care-centres/{cid}/operating", {"opened_on": "2026-03-02"}),
        409,
        "centre_already_operating",
    )
    refused(
        await eldercare.post(f"/care-centres/{uuid.uuid4()}/built", {"built_on": "2026-02-20"}),
        404,
        "centre_not_found",
    )


async def test_bad_input_is_a_4xx_naming_the_field_with_nothing_written(eldercare: Running) -> None:
    before = await events(eldercare)
    good = {"name": "中心", "division": VILLAGE, "planned_on": "2026-01-15"}
    for body, field in (
        ({**good, "division": "330727"}, "division"),
        ({**good, "division": "110101001001"}, "division"),
        ({**good, "division": "33072710120x"}, "division"),
        ({**good, "name": ""}, "name"),
        ({**good, "name": "x" * 101}, "name"),
        ({**good, "planned_on": "1999-12-31"}, "planned_on"),
        ({**good, "extra": 1}, "extra"),
        ({k: v for k, v in good.items() if k != "name"}, "name"),
    ):
        response = await eldercare.post("/care-centres", body)
        assert response.status_code == 422, response.text
        assert field in response.text, response.text
    response = await eldercare.post("/care-centres/not-a-uuid/built", {"built_on": "2026-02-20"})
    assert response.status_code == 422 and "centre_id" in response.text
    assert await events(eldercare) == before


async def test_the_list_filters_by_township_and_status_and_pages(eldercare: Running) -> None:
    a = await accepted_centre(eldercare)
    b = await plan(eldercare)
    c = await plan(eldercare, OTHER_TOWNSHIP_VILLAGE)
    everything = (await eldercare.get("/care-centres")).json()
    assert everything["total"] == 3
    township = (await eldercare.get("/care-centres", township="330727101")).json()
    assert {x["centre_id"] for x in township["items"]} == {a, b}
    planned = (await eldercare.get("/care-centres", status="planned")).json()
    assert {x["centre_id"] for x in planned["items"]} == {b, c}
    page = (await eldercare.get("/care-centres", offset=1, limit=1)).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    figures = (await eldercare.get("/care-centres/figures")).json()
    assert figures["by_status"] == {"accepted": 1, "planned": 2}
    assert figures["accepted_by_year"] == {"2026": 1}
    for params in ({"limit": 0}, {"limit": 501}, {"status": "closed"}, {"township": "abc"}):
        assert (await eldercare.get("/care-centres", expect=None, **params)).status_code == 422
    refused(await eldercare.get(f"/care-centres/{uuid.uuid4()}", expect=None), 404, "centre_not_found")


async def test_acceptance_is_the_county_approvers_and_a_township_sees_only_its_own(
    eldercare: Running,
) -> None:
    cid = await plan(eldercare)
    await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-20"}, expect=201)
    caseworker = eldercare.as_caller("township-caseworker", division="330727101")
    before = await events(eldercare)
    response = await eldercare.post(
        f"/care-centres/{cid}/accepted", {"accepted_on": "2026-02-27"}, headers=caseworker
    )
    assert response.status_code == 403, response.text
    anonymous = await eldercare.request("POST", "/care-centres", json={}, anonymous=True)
    assert anonymous.status_code == 401
    other = eldercare.as_caller("township-caseworker", division="330727102")
    response = await eldercare.post(f"/care-centres/{cid}/built", {"built_on": "2026-02-21"}, headers=other)
    assert response.status_code == 403, response.text
    assert await events(eldercare) == before
    assert (await eldercare.get("/care-centres", headers=other)).json()["total"] == 0
    assert (await eldercare.get(f"/care-centres/{cid}", expect=None, headers=other)).status_code == 403
