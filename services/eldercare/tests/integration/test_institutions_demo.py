"""The institutions area's demo seed from the catalogue's figures, on the real stack: the county
welfare centre with 91 residents (F0 L159), 7 township centres with 731 beds in all (A4 L161), 3
institutions with 444 beds, two small private homes, 特困 residents in the nursing homes, one
unregistered home under follow-up; seeding again writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng_eldercare.adapters.institutions import AREA

if TYPE_CHECKING:
    from conftest import Running


async def test_the_demo_has_the_catalogues_institutions_and_residents(eldercare: Running) -> None:
    assert AREA.seed_demo is not None
    await AREA.seed_demo(eldercare.service.context())
    approver = eldercare.as_caller("county-approver")
    every = (await eldercare.get("/institutions", headers=approver, limit="100")).json()
    by_id = {i["institution_id"]: i for i in every["items"]}
    assert every["total"] == 13
    assert by_id["welfare-330727"]["occupied"] == 91
    centres = (await eldercare.get("/institutions", headers=approver, kind="nursing_home")).json()
    assert (centres["total"], centres["beds"]) == (7, 731)
    three = [by_id[i] for i in ("ghy-330727", "yy-330727-1", "yy-330727-2")]
    assert sum(i["beds"] for i in three) == 444
    medical = (await eldercare.get("/institutions", headers=approver, model="medical_care")).json()
    assert medical["total"] == 2
    tekun = 0
    for centre in centres["items"]:
        stays = await eldercare.get(f"/institutions/{centre['institution_id']}/residents", headers=approver)
        tekun += sum(s["is_tekun"] for s in stays.json()["items"])
    assert tekun == 35
    assert (await eldercare.get("/unregistered-homes", headers=approver)).json()["total"] == 1

    before = await eldercare.fetchval("SELECT count(*) FROM events")
    await AREA.seed_demo(eldercare.service.context())
    assert await eldercare.fetchval("SELECT count(*) FROM events") == before
