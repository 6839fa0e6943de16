"""Institutions on the real stack: registration (备案) records the institution and, in the same
unit, its standing row (kind, township, not suspended, not closed); beds added and removed, never
below the occupied; the list filtered by township, kind, model and status, with beds and occupied;
unregistered homes' cases; bad input is a 4xx naming the field with nothing written."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

HOME = {
    "institution_id": "jly-330727101",
    "name": "城关镇中心敬老院",
    "kind": "nursing_home",
    "township": "330727101",
    "beds": 10,
    "model": "public_built_private_run",
    "registered_on": "2026-03-01",
}


def home(n: int, **over: Any) -> dict[str, Any]:
    return HOME | {"institution_id": f"home-{n}", "name": f"养老院{n}"} | over


def admission(n: int) -> dict[str, Any]:
    return {
        "resident_id": make_resident_id("330727", date(1940, 1, 1), n).reveal(),
        "agreement_number": f"RZ-{n}",
        "agreement_date": "2026-03-01",
        "care_level": "self_care",
        "is_tekun": False,
        "admitted_on": "2026-03-02",
    }


async def written(e: Running) -> int:
    return int(await e.fetchval("SELECT count(*) FROM events"))


async def test_registration_records_the_institution_and_its_standing_row(eldercare: Running) -> None:
    body = (await eldercare.post("/institutions", HOME, expect=201)).json()
    assert (body["beds"], body["occupied"], body["free"], body["status"]) == (10, 0, 10, "operating")
    row = await eldercare.fetchval(
        "SELECT row(kind, township, admissions_suspended, closed)::text FROM institution_standing "
        "WHERE institution_id = $1",
        "jly-330727101",
    )
    assert row == "(nursing_home,330727101,f,f)"
    one = (await eldercare.get("/institutions/jly-330727101")).json()
    assert (one["name"], one["model"], one["registered_on"]) == (
        "城关镇中心敬老院",
        "public_built_private_run",
        "2026-03-01",
    )
    again = (await eldercare.post("/institutions", HOME, expect=201)).json()
    assert again == body  # the same registration re-sent: its original result, nothing written twice
    assert (
        await eldercare.fetchval("SELECT count(*) FROM events WHERE event_type = 'InstitutionRegistered'")
        == 1
    )
    refused(await eldercare.post("/institutions", HOME | {"beds": 11}), 409, "id_reused", "institution_id")


async def test_bad_registrations_are_refused_naming_the_field_with_nothing_written(
    eldercare: Running,
) -> None:
    before = await written(eldercare)
    cases = [
        (HOME | {"township": "330728101"}, 422, "outside_county", "township"),
        (HOME | {"township": "330727101201"}, 422, "not_a_township", "township"),
        (HOME | {"beds": 5001}, 422, None, "beds"),
        (HOME | {"kind": "hotel"}, 422, None, "kind"),
        (HOME | {"model": "公建民营"}, 422, None, "model"),
        (HOME | {"registered_on": "2026-03-03"}, 422, "registered_in_future", "registered_on"),
        (HOME | {"colour": "red"}, 422, None, "colour"),
        (HOME | {"institution_id": "a.b"}, 422, None, "institution_id"),
    ]
    for body, status, code, field in cases:
        response = await eldercare.post("/institutions", body)
        assert response.status_code == status, (body, response.text)
        assert field in response.text, (field, response.text)
        if code is not None:
            assert response.json()["error"]["code"] == code
    assert await written(eldercare) == before
    assert await eldercare.fetchval("SELECT count(*) FROM institution_standing") == 0


async def test_only_the_county_approver_registers_and_anonymous_is_401(eldercare: Running) -> None:
    caseworker = eldercare.as_caller("township-caseworker", division="330727101")
    assert (await eldercare.post("/institutions", HOME, headers=caseworker)).status_code == 403
    assert (await eldercare.request("POST", "/institutions", json=HOME, anonymous=True)).status_code == 401
    assert await eldercare.fetchval("SELECT count(*) FROM institution_standing") == 0


async def test_beds_are_added_and_removed_never_below_the_occupied(eldercare: Running) -> None:
    await eldercare.post("/institutions", HOME, expect=201)
    path = "/institutions/jly-330727101"
    added = (await eldercare.post(f"{path}/beds", {"change": 5, "on": "2026-03-02"}, expect=201)).json()
    assert added["beds"] == 15
    for n in range(1, 4):
        await eldercare.post(f"{path}/admissions", admission(n), expect=201)
    refused(await eldercare.post(f"{path}/beds", {"change": -13, "on": "2026-03-02"}), 409, "beds_occupied")
    left = (await eldercare.post(f"{path}/beds", {"change": -12, "on": "2026-03-02"}, expect=201)).json()
    assert (left["beds"], left["occupied"], left["free"]) == (3, 3, 0)
    refused(await eldercare.post(f"{path}/admissions", admission(9)), 409, "no_free_bed")
    refused(
        await eldercare.post("/institutions/nowhere/beds", {"change": 1, "on": "2026-03-02"}),
        404,
        "institution_not_found",
    )
    refused(
        await eldercare.post(f"{path}/beds", {"change": 0, "on": "2026-03-02"}), 422, "no_change", "change"
    )


async def test_the_list_filters_by_township_kind_model_and_status(eldercare: Running) -> None:
    await eldercare.post("/institutions", home(1), expect=201)
    await eldercare.post(
        "/institutions", home(2, township="330727102", kind="private", model="medical_care"), expect=201
    )
    await eldercare.post("/institutions", home(3, township="330727102", beds=30, model="public"), expect=201)
    await eldercare.post("/institutions/home-3/admissions", admission(1), expect=201)
    await eldercare.fetchval(
        "UPDATE institution_standing SET admissions_suspended = true "
        "WHERE institution_id = 'home-2' RETURNING 1"
    )

    async def ids(**params: str) -> list[str]:
        return [i["institution_id"] for i in (await eldercare.get("/institutions", **params)).json()["items"]]

    assert await ids() == ["home-1", "home-2", "home-3"]
    assert await ids(township="330727102") == ["home-2", "home-3"]
    assert await ids(kind="private") == ["home-2"]
    assert await ids(model="public") == ["home-3"]
    assert await ids(status="admissions_suspended") == ["home-2"]
    assert await ids(status="operating") == ["home-1", "home-3"]
    page = (await eldercare.get("/institutions", township="330727102", limit="1", offset="1")).json()
    assert (page["total"], page["beds"], page["occupied"]) == (2, 40, 1)
    assert [i["institution_id"] for i in page["items"]] == ["home-3"]
    assert (await eldercare.get("/institutions", expect=None, limit="501")).status_code == 422
    assert (await eldercare.get("/institutions", expect=None, status="open")).status_code == 422
    elsewhere = eldercare.as_caller("township-caseworker", division="330727101")
    mine = (await eldercare.get("/institutions", headers=elsewhere)).json()
    assert [i["institution_id"] for i in mine["items"]] == ["home-1"]
    assert (await eldercare.get("/institutions/home-3", expect=None, headers=elsewhere)).status_code == 403


async def test_an_unregistered_home_is_followed_up_until_registered_or_closed_down(
    eldercare: Running,
) -> None:
    report = {
        "name": "某村私人托老点",
        "township": "330727103",
        "address": "某村12号",
        "residents": 6,
        "reported_on": "2026-03-01",
    }
    first = (await eldercare.post("/unregistered-homes", report, expect=201)).json()
    second = (await eldercare.post("/unregistered-homes", report | {"name": "另一托老点"}, expect=201)).json()
    assert first["status"] == "reported"
    listed = (await eldercare.get("/unregistered-homes")).json()
    assert listed["total"] == 2

    refused(
        await eldercare.post(
            f"/unregistered-homes/{first['case_id']}/registered",
            {"institution_id": "home-9", "on": "2026-03-02"},
        ),
        404,
        "institution_not_found",
    )
    await eldercare.post(
        "/institutions", home(9, township="330727103", kind="private", model="private"), expect=201
    )
    done = (
        await eldercare.post(
            f"/unregistered-homes/{first['case_id']}/registered",
            {"institution_id": "home-9", "on": "2026-03-02"},
            expect=201,
        )
    ).json()
    assert (done["status"], done["institution_id"]) == ("registered", "home-9")
    closed = (
        await eldercare.post(
            f"/unregistered-homes/{second['case_id']}/closed-down",
            {"on": "2026-03-02", "note": "已取缔"},
            expect=201,
        )
    ).json()
    assert closed["status"] == "closed_down"
    refused(
        await eldercare.post(f"/unregistered-homes/{second['case_id']}/closed-down", {"on": "2026-03-02"}),
        409,
        "case_closed",
    )
    assert (await eldercare.get("/unregistered-homes")).json()["total"] == 0
    assert (await eldercare.get("/unregistered-homes", open="false")).json()["total"] == 2
    bad = await eldercare.post("/unregistered-homes", report | {"residents": -1})
    assert bad.status_code == 422 and "residents" in bad.text
