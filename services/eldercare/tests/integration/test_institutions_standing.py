"""The institution's standing as the inspections area changes it, seen by the institutions area on
the real stack: after an inspection's rectification order, admissions suspended through the
inspections endpoint refuse an admission (409 ``admissions_suspended``), a closure order refuses it
as ``institution_closed``; the institution's status in the list follows, and its residents stay."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

HOME = {
    "institution_id": "private-330727103",
    "name": "某民办养老院",
    "kind": "private",
    "township": "330727103",
    "beds": 20,
    "model": "private",
    "registered_on": "2026-03-01",
}


def admission(n: int) -> dict[str, Any]:
    return {
        "resident_id": make_resident_id("330727", date(1942, 2, 2), n).reveal(),
        "agreement_number": f"RZ-{n}",
        "agreement_date": "2026-03-01",
        "care_level": "self_care",
        "is_tekun": False,
        "admitted_on": "2026-03-02",
    }


async def test_suspension_and_closure_by_the_inspections_area_refuse_admissions(eldercare: Running) -> None:
    path = "/institutions/private-330727103"
    await eldercare.post("/institutions", HOME, expect=201)
    await eldercare.post(f"{path}/admissions", admission(1), expect=201)
    inspection = str(uuid.uuid4())
    await eldercare.post(
        "/inspections",
        {
            "inspection_id": inspection,
            "institution_id": HOME["institution_id"],
            "inspected_on": "2026-03-02",
            "inspector": "县民政局安全检查组",
            "findings": [{"category": "fire", "description": "灭火器过期"}],
        },
        expect=201,
    )
    order = str(uuid.uuid4())
    await eldercare.post(f"/inspections/{inspection}/rectification-orders", {"order_id": order}, expect=201)
    await eldercare.post(
        f"{path}/admission-suspensions", {"order_id": order, "reason": "重大火灾隐患未整改"}, expect=201
    )

    refused(await eldercare.post(f"{path}/admissions", admission(2)), 409, "admissions_suspended")
    assert (await eldercare.get(path)).json()["status"] == "admissions_suspended"

    await eldercare.post(f"{path}/closure-orders", {"reason": "逾期未整改, 责令关停"}, expect=201)
    refused(await eldercare.post(f"{path}/admissions", admission(3)), 409, "institution_closed")
    one = (await eldercare.get(path)).json()
    assert (one["status"], one["occupied"]) == ("closed", 1)
    closed = (await eldercare.get("/institutions", status="closed")).json()
    assert [i["institution_id"] for i in closed["items"]] == [HOME["institution_id"]]
