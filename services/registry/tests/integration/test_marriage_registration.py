"""Marriage registration on the real stack: the rules, the certificates and the concurrency."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

_seq = iter(range(1, 10_000))


def man(born: date = date(1995, 6, 1)) -> str:
    return make_resident_id("330727", born, 2 * next(_seq) % 999 | 1).reveal()


def woman(born: date = date(1997, 8, 9)) -> str:
    n = 2 * next(_seq) % 998
    return make_resident_id("330727", born, n if n else 2).reveal()


def body(a: str, b: str, **extra: Any) -> dict[str, Any]:
    return {"party_a": a, "party_b": b, "office": "330727", "both_present": True, **extra}


async def test_a_marriage_is_registered_with_a_j_number_and_both_are_married(registry: Running) -> None:
    h, w = man(), woman()
    got = (await registry.post("/marriages", body(w, h), expect=201)).json()
    assert got["certificate_number"] == "J330727-2026-000001"
    assert (got["husband"], got["wife"]) == (h, w)
    assert got["standards"] == [
        "marriage_age_male:330727:1981-01-01",
        "marriage_age_female:330727:1981-01-01",
    ]
    for p, spouse in ((h, w), (w, h)):
        status = (await registry.get(f"/people/{p}/marital-status", expect=200)).json()
        assert status["status"] == "married" and status["spouse"] == spouse
        assert status["marriage_id"] == got["marriage_id"]
    one = (await registry.get(f"/marriages/{got['marriage_id']}", expect=200)).json()
    assert one["status"] == "registered" and one["certificate_number"] == got["certificate_number"]
    listed = (await registry.get("/marriages?office=330727&year=2026", expect=200)).json()
    assert [m["marriage_id"] for m in listed] == [got["marriage_id"]]
    assert (await registry.get("/marriages?year=2025", expect=200)).json() == []


async def test_the_grounds_of_refusal_are_named(registry: Running) -> None:
    h, w = man(), woman()
    refused(await registry.post("/marriages", body(h, w, both_present=False)), 422, "both_parties_in_person")
    refused(await registry.post("/marriages", body(h, man())), 422, "same_sex", "party_b")
    refused(await registry.post("/marriages", body(w, woman())), 422, "same_sex", "party_b")
    refused(await registry.post("/marriages", body(h, h)), 422, "same_party", "party_b")
    # the legal age on the registration date (2026-03-02): a man born 2004-03-03 is 21
    refused(await registry.post("/marriages", body(man(date(2004, 3, 3)), w)), 422, "under_age", "party_a")
    refused(await registry.post("/marriages", body(h, woman(date(2006, 3, 3)))), 422, "under_age", "party_b")
    await registry.post("/marriages", body(man(date(2004, 3, 2)), woman(date(2006, 3, 2))), expect=201)
    refused(
        await registry.post("/marriages", {**body(h, w), "office": "330728"}), 422, "outside_county", "office"
    )
    refused(
        await registry.post("/marriages", {**body(h, w), "office": "33072"}), 422, "invalid_input", "office"
    )
    refused(await registry.post("/marriages", {**body(h, w), "extra": 1}), 422, "invalid_input")
    await registry.post("/marriages", body(h, w), expect=201)
    refused(await registry.post("/marriages", body(h, woman())), 409, "already_married", "party_a")
    refused(await registry.post("/marriages", body(man(), w)), 409, "already_married", "party_b")
    # nothing was half-written: the refused registrations took no serial
    count = await registry.fetchval("SELECT count(*) FROM registry_certificates WHERE kind = 'J'")
    assert count == 2
    last = await registry.fetchval("SELECT last FROM registry_certificate_serials WHERE kind = 'J'")
    assert last == 2


async def test_a_29_february_birthday_reaches_the_age_on_28_february(registry: Running) -> None:
    # a man born 2004-02-29 is 22 on 2026-02-28 (2026 is a common year), not on 2026-02-27
    registry.clock.set(registry.clock.now().replace(month=2, day=27))
    leap_man = man(date(2004, 2, 29))
    refused(await registry.post("/marriages", body(leap_man, woman())), 422, "under_age", "party_a")
    registry.clock.set(registry.clock.now().replace(day=28))
    await registry.post("/marriages", body(leap_man, woman()), expect=201)


async def test_concurrent_registrations_sharing_a_person_commit_exactly_one(registry: Running) -> None:
    for _ in range(5):
        shared = woman()
        rivals = [man() for _ in range(4)]
        answers = await asyncio.gather(*(registry.post("/marriages", body(r, shared)) for r in rivals))
        codes = sorted(a.status_code for a in answers)
        assert codes == [201, 409, 409, 409], [a.text for a in answers]
        for a in answers:
            if a.status_code == 409:
                refused(a, 409, "already_married", "party_b")
        status = (await registry.get(f"/people/{shared}/marital-status", expect=200)).json()
        assert len(status["marriages"]) == 1


async def test_concurrent_registrations_get_serials_exactly_one_to_n(registry: Running) -> None:
    n = 24
    answers = await asyncio.gather(*(registry.post("/marriages", body(man(), woman())) for _ in range(n)))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers if a.status_code != 201]
    serials = sorted(int(a.json()["certificate_number"].rsplit("-", 1)[1]) for a in answers)
    assert serials == list(range(1, n + 1))
    assert await registry.fetchval("SELECT count(DISTINCT number) FROM registry_certificates") == n


async def test_a_marriage_on_the_historical_record_refuses_a_new_one(registry: Running) -> None:
    h, w = man(date(1950, 3, 3)), woman(date(1952, 4, 4))
    row = {
        "certificate_number": "婚字第 0001 号",
        "party_a": h,
        "party_b": w,
        "registered_on": "1975-05-01",
        "office": "330727101",
        "kind": "marriage",
    }
    await registry.post("/archive/imports", {"rows": [row]}, expect=201)
    refused(await registry.post("/marriages", body(h, woman())), 409, "already_married", "party_a")
    refused(await registry.post("/marriages", body(man(), w)), 409, "already_married", "party_b")
    # the former spouse's registered death ends it: the widow may marry
    death = {"deceased": h, "date_of_death": "2020-01-01", "place": "330727101201"}
    await registry.post("/deaths", {**death, "residence": "330727101201", "office": "330727"}, expect=201)
    await registry.post("/marriages", body(man(), w), expect=201)
