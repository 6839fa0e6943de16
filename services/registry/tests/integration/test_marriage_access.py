"""Who may do what in the marriage area, on the real stack: commands are the registrar's, reads
bounded by the caller's division (lists filtered) and resident IDs masked for roles that do not
need them; races between a death and a marriage; the demo data is idempotent."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import TYPE_CHECKING

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_registry.adapters.marriage import AREA

if TYPE_CHECKING:
    from conftest import Running

_n = iter(range(1, 400))


def couple() -> tuple[str, str]:
    k = next(_n)
    return (
        make_resident_id("330727", date(1980, 1, 1) + timedelta(days=k), 51).reveal(),
        make_resident_id("330727", date(1982, 1, 1) + timedelta(days=k), 62).reveal(),
    )


def body(h: str, w: str, office: str = "330727") -> dict[str, object]:
    return {"party_a": h, "party_b": w, "office": office, "both_present": True}


async def test_only_the_registrar_registers(registry: Running) -> None:
    h, w = couple()
    for role in ("township-caseworker", "township-reviewer", "county-approver", "auditor", "operator"):
        caller = registry.as_caller(role)
        refused(await registry.post("/marriages", body(h, w), headers=caller), 403, "role_not_permitted")
    anonymous = await registry.request("POST", "/marriages", json=body(h, w), anonymous=True)
    assert anonymous.status_code == 401
    assert await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'MarriageRegistered'") == 0


async def test_the_registrar_acts_within_its_division(registry: Running) -> None:
    township = registry.as_caller("registrar", division="330727101")
    h, w = couple()
    refused(
        await registry.post("/marriages", body(h, w), headers=township), 403, "outside_jurisdiction", "office"
    )
    got = (await registry.post("/marriages", body(h, w, "330727101"), headers=township, expect=201)).json()
    assert got["certificate_number"] == "J330727-2026-000001"  # the county's series
    h2, w2 = couple()
    await registry.post("/marriages", body(h2, w2), expect=201)
    # lists are filtered to the offices the caller reaches; one marriage outside is 403
    mine = (await registry.get("/marriages", headers=township, expect=200)).json()
    assert [m["office"] for m in mine] == ["330727101"]
    everything = (await registry.get("/marriages", expect=200)).json()
    assert len(everything) == 2
    other = next(m for m in everything if m["office"] == "330727")
    refused(
        await registry.get(f"/marriages/{other['marriage_id']}", expect=None, headers=township),
        403,
        "outside_jurisdiction",
    )
    neighbour = registry.as_caller("registrar", division="330728")
    refused(
        await registry.post("/marriages", body(*couple(), "330728"), headers=neighbour), 422, "outside_county"
    )


async def test_resident_ids_are_masked_for_roles_that_do_not_need_them(registry: Running) -> None:
    h, w = couple()
    m = (await registry.post("/marriages", body(h, w), expect=201)).json()
    auditor = registry.as_caller("auditor")
    full = (await registry.get(f"/marriages/{m['marriage_id']}", headers=auditor, expect=200)).json()
    assert (full["husband"], full["wife"]) == (h, w)
    # the full read is recorded, naming the record by its id, never by a resident ID
    reads = await registry.fetchval(
        "SELECT array_agg(reader || ' ' || record || ' ' || view) FROM registry_marriage_reads"
    )
    assert reads == [f"official-test marriage/{m['marriage_id']} marriage"]
    reviewer = registry.as_caller("township-reviewer", division="330727101")
    status = (await registry.get(f"/people/{h}/marital-status", headers=reviewer, expect=200)).json()
    assert status["status"] == "married"
    assert h not in str(status) and w not in str(status)
    assert status["spouse"].endswith(w[-4:])
    # a masked read is not a full read: nothing more recorded
    assert await registry.fetchval("SELECT count(*) FROM registry_marriage_reads") == 1
    await registry.get(f"/people/{h}/marital-status", headers=auditor, expect=200)
    records = await registry.fetchval(
        "SELECT array_agg(record ORDER BY read_at, record) FROM registry_marriage_reads"
    )
    assert records[1].startswith("person-") and h not in records[1]
    refused(
        await registry.get(f"/marriages/{m['marriage_id']}", expect=None, headers=reviewer),
        403,
        "role_not_permitted",
    )
    outsider = registry.as_caller("township-reviewer", division="330728101")
    refused(
        await registry.get(f"/people/{h}/marital-status", expect=None, headers=outsider),
        403,
        "outside_jurisdiction",
    )
    refused(
        await registry.get(f"/people/{h[:-1]}{'1' if h[-1] == '0' else '0'}/marital-status", expect=None),
        422,
        "invalid_resident_id",
    )


async def test_a_death_and_a_marriage_of_the_same_person_at_once_stay_consistent(registry: Running) -> None:
    for _ in range(4):
        h, w = couple()
        death = {
            "deceased": h,
            "date_of_death": "2026-03-01",
            "place": "330727101201",
            "residence": "330727101201",
            "office": "330727",
        }
        married, died = await asyncio.gather(
            registry.post("/marriages", body(h, w)), registry.post("/deaths", death)
        )
        assert died.status_code == 201, died.text
        widow = (await registry.get(f"/people/{w}/marital-status", expect=200)).json()["status"]
        if married.status_code == 201:
            assert widow == "widowed"
        else:
            refused(married, 422, "party_deceased", "party_a")
            assert widow == "unmarried"


async def test_the_demo_data_is_idempotent(registry: Running) -> None:
    assert AREA.seed_demo is not None
    await AREA.seed_demo(registry.service.context())
    await AREA.seed_demo(registry.service.context())
    assert await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'MarriageRegistered'") == 3
    # the demo's two deaths: one from January, and the one case across services (``CASE_PERSON``)
    assert await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'DeathRegistered'") == 2
    open_ = (await registry.get("/divorce-applications?state=received", expect=200)).json()
    assert len(open_) == 1
