"""Death registration on the real stack: one per person, the dates, the marriage it ends and the
divorce application it terminates, in one transaction; corrections as new events."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

_n = iter(range(1, 400))


def person(born: date, male: bool) -> str:
    k = next(_n)
    return make_resident_id("330727", born + timedelta(days=k), 11 if male else 22).reveal()


def death(resident: str, **extra: Any) -> dict[str, Any]:
    return {
        "deceased": resident,
        "date_of_death": "2026-02-27",
        "place": "330727101201",
        "residence": "330727101201",
        "office": "330727",
        **extra,
    }


async def test_a_death_is_registered_once_naming_the_first(registry: Running) -> None:
    d = person(date(1940, 3, 1), True)
    first = (await registry.post("/deaths", death(d), expect=201)).json()
    assert first["deceased"] == d and first["date_of_death"] == "2026-02-27"
    again = await registry.post("/deaths", death(d, date_of_death="2026-02-28"))
    refused(again, 409, "death_already_registered", "deceased")
    assert first["registration_id"] in again.json()["error"]["message"]
    assert d not in again.text
    got = (await registry.get(f"/deaths/{first['registration_id']}", expect=200)).json()
    assert got == first
    status = (await registry.get(f"/people/{d}/marital-status", expect=200)).json()
    assert status["status"] == "deceased"
    refused(
        await registry.get("/deaths/0d3a0000-0000-4000-8000-0000000000ff", expect=None),
        404,
        "death_not_found",
    )
    other = death(person(date(1940, 3, 1), False), registration_id=first["registration_id"])
    refused(await registry.post("/deaths", other), 409, "registration_id_taken", "registration_id")


async def test_concurrent_registrations_of_one_death_commit_one(registry: Running) -> None:
    for _ in range(3):
        d = person(date(1950, 1, 1), False)
        answers = await asyncio.gather(*(registry.post("/deaths", death(d)) for _ in range(4)))
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'DeathRegistered'") == 3


async def test_the_date_of_death_is_between_birth_and_today(registry: Running) -> None:
    d = person(date(1960, 5, 5), True)
    refused(
        await registry.post("/deaths", death(d, date_of_death="1950-01-01")),
        422,
        "date_of_death_before_birth",
        "date_of_death",
    )
    # the clock is 2026-03-02 09:00 +08:00: the 3rd is the future, the 2nd is today
    refused(
        await registry.post("/deaths", death(d, date_of_death="2026-03-03")),
        422,
        "date_of_death_in_future",
        "date_of_death",
    )
    await registry.post("/deaths", death(d, date_of_death="2026-03-02"), expect=201)


async def test_a_death_ends_the_marriage_widows_the_spouse_and_terminates_an_open_divorce(
    registry: Running,
) -> None:
    h, w = person(date(1960, 1, 1), True), person(date(1962, 1, 1), False)
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    mid = (await registry.post("/marriages", body, expect=201)).json()["marriage_id"]
    apply = {"office": "330727", "both_present": True, "written_agreement": True}
    app = (await registry.post(f"/marriages/{mid}/divorce-applications", apply, expect=201)).json()
    await registry.post("/deaths", death(h, date_of_death="2026-03-01"), expect=201)
    marriage = (await registry.get(f"/marriages/{mid}", expect=200)).json()
    assert marriage["status"] == "ended_by_death"
    assert (await registry.get(f"/people/{w}/marital-status", expect=200)).json()["status"] == "widowed"
    listed = (await registry.get("/divorce-applications?state=terminated", expect=200)).json()
    assert [a["application_id"] for a in listed] == [app["application_id"]]
    state = await registry.fetchval(
        "SELECT state FROM deadlines WHERE subject LIKE $1", f"%{app['application_id']}"
    )
    assert state == "cancelled"
    # the widow may marry again; the deceased may not
    refused(
        await registry.post("/marriages", {**body, "party_b": person(date(1970, 1, 1), False)}),
        422,
        "party_deceased",
        "party_a",
    )
    await registry.post("/marriages", {**body, "party_a": person(date(1958, 1, 1), True)}, expect=201)


async def test_a_death_dated_before_the_marriage_is_registered_and_flags_the_marriage(
    registry: Running,
) -> None:
    """The death is a fact the county registers (every benefit stops on it); the marriage is not
    shown ended before it began: it ends on its registration day, flagged for annulment review."""
    h, w = person(date(1961, 1, 1), True), person(date(1963, 1, 1), False)
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    m = (await registry.post("/marriages", body, expect=201)).json()
    await registry.post("/deaths", death(h, date_of_death="2026-02-20"), expect=201)
    got = (await registry.get(f"/marriages/{m['marriage_id']}", expect=200)).json()
    assert got["status"] == "ended_by_death"
    assert got["ended_on"] == m["registered_on"] == "2026-03-02"
    assert got["review"] == "death_before_registration"
    assert (await registry.get(f"/people/{w}/marital-status", expect=200)).json()["status"] == "widowed"


async def test_a_correction_dating_the_death_before_the_marriage_flags_it(registry: Running) -> None:
    h, w = person(date(1964, 1, 1), True), person(date(1966, 1, 1), False)
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    m = (await registry.post("/marriages", body, expect=201)).json()
    first = (await registry.post("/deaths", death(w, date_of_death="2026-03-02"), expect=201)).json()
    got = (await registry.get(f"/marriages/{m['marriage_id']}", expect=200)).json()
    assert (got["status"], got["review"]) == ("ended_by_death", None)
    correction = {
        "date_of_death": "2026-02-20",
        "place": "330727101201",
        "residence": "330727101201",
        "reason": "hospital certificate",
    }
    await registry.post(f"/deaths/{first['registration_id']}/corrections", correction, expect=200)
    got = (await registry.get(f"/marriages/{m['marriage_id']}", expect=200)).json()
    assert (got["status"], got["review"]) == ("ended_by_death", "death_before_registration")


async def test_a_death_and_a_divorce_certificate_at_once_leave_one_consistent_outcome(
    registry: Running,
) -> None:
    from datetime import datetime

    for _ in range(3):
        registry.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=registry.clock.now().tzinfo))
        h, w = person(date(1970, 1, 1), True), person(date(1972, 1, 1), False)
        body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
        mid = (await registry.post("/marriages", body, expect=201)).json()["marriage_id"]
        apply = {"office": "330727", "both_present": True, "written_agreement": True}
        app = (await registry.post(f"/marriages/{mid}/divorce-applications", apply, expect=201)).json()
        registry.clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=registry.clock.now().tzinfo))
        path = f"/marriages/{mid}/divorce-applications/{app['application_id']}/certificate"
        divorce, died = await asyncio.gather(
            registry.post(path, {"office": "330727", "both_present": True}),
            registry.post("/deaths", death(w, date_of_death="2026-04-01")),
        )
        assert died.status_code == 201, died.text
        status = (await registry.get(f"/marriages/{mid}", expect=200)).json()["status"]
        spouse = (await registry.get(f"/people/{h}/marital-status", expect=200)).json()["status"]
        if divorce.status_code == 201:
            assert (status, spouse) == ("dissolved_by_divorce", "divorced")
        else:
            refused(divorce, 409, "application_closed")
            assert (status, spouse) == ("ended_by_death", "widowed")


async def test_a_correction_is_a_new_event_and_the_registration_stays(registry: Running) -> None:
    d = person(date(1945, 8, 8), False)
    first = (await registry.post("/deaths", death(d), expect=201)).json()
    path = f"/deaths/{first['registration_id']}/corrections"
    body = {
        "date_of_death": "2026-02-26",
        "place": "330727102",
        "residence": "330727101201",
        "reason": "hospital certificate: died before midnight",
    }
    got = (await registry.post(path, body, expect=200)).json()
    assert (got["date_of_death"], got["place"], got["corrections"]) == ("2026-02-26", "330727102", 1)
    refused(await registry.post(path, body), 409, "nothing_to_correct")
    refused(
        await registry.post(path, {**body, "date_of_death": "2026-03-05"}), 422, "date_of_death_in_future"
    )
    refused(await registry.post(path, {**body, "reason": ""}), 422, "invalid_input", "reason")
    missing = "/deaths/0d3a0000-0000-4000-8000-0000000000ff/corrections"
    refused(await registry.post(missing, body), 404, "death_not_found")
    registered = await registry.fetchval(
        "SELECT data->>'date_of_death' FROM events WHERE event_type = 'DeathRegistered' "
        "AND data->>'registration_id' = $1",
        first["registration_id"],
    )
    assert registered == "2026-02-27"
    outbox = await registry.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'DeathRegistrationCorrected'"
    )
    assert outbox == 1


async def test_death_reads_are_bounded_and_masked(registry: Running) -> None:
    d = person(date(1941, 1, 1), True)
    first = (await registry.post("/deaths", death(d), expect=201)).json()
    caseworker = registry.as_caller("township-caseworker", division="330727101")
    refused(
        await registry.get(f"/deaths/{first['registration_id']}", expect=None, headers=caseworker),
        403,
        "role_not_permitted",
    )
    refused(
        await registry.post("/deaths", death(person(date(1941, 1, 1), True)), headers=caseworker),
        403,
        "role_not_permitted",
    )
    other = registry.as_caller("registrar", division="330728")
    refused(
        await registry.get(f"/deaths/{first['registration_id']}", expect=None, headers=other),
        403,
        "outside_jurisdiction",
    )
    status = (await registry.get(f"/people/{d}/marital-status", headers=caseworker, expect=200)).json()
    assert status["resident_id"] != d and status["resident_id"].startswith("330727")
    assert status["status"] == "deceased"


async def test_a_revoked_declaration_of_death_revives_the_marriage_unless_the_spouse_remarried(
    registry: Running,
) -> None:
    h, w = person(date(1966, 1, 1), True), person(date(1968, 1, 1), False)
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    mid = (await registry.post("/marriages", body, expect=201)).json()["marriage_id"]
    declared = (await registry.post("/deaths", death(h, declared=True), expect=201)).json()
    plain = (await registry.post("/deaths", death(person(date(1930, 1, 1), True)), expect=201)).json()
    reason = {"reason": "(2026)浙0727民特12号"}
    refused(
        await registry.post(f"/deaths/{plain['registration_id']}/revocation", reason),
        409,
        "not_a_declared_death",
    )
    got = (
        await registry.post(f"/deaths/{declared['registration_id']}/revocation", reason, expect=200)
    ).json()
    assert got["revoked"] is True and got["marriage_revived"] == mid
    refused(
        await registry.post(f"/deaths/{declared['registration_id']}/revocation", reason), 409, "death_revoked"
    )
    for p_ in (h, w):
        assert (await registry.get(f"/people/{p_}/marital-status", expect=200)).json()["status"] == "married"
    assert (await registry.get(f"/marriages/{mid}", expect=200)).json()["status"] == "registered"
    # declared dead again, the wife remarries: a revocation then revives nothing
    again = (
        await registry.post("/deaths", death(h, declared=True, date_of_death="2026-03-01"), expect=201)
    ).json()
    assert again["registration_id"] != declared["registration_id"]
    await registry.post("/marriages", {**body, "party_a": person(date(1965, 1, 1), True)}, expect=201)
    got = (await registry.post(f"/deaths/{again['registration_id']}/revocation", reason, expect=200)).json()
    assert got["marriage_revived"] is None
    assert (await registry.get(f"/people/{h}/marital-status", expect=200)).json()["status"] == "divorced"
    assert (await registry.get(f"/marriages/{mid}", expect=200)).json()["status"] == "ended_by_death"


async def test_a_spouse_who_declines_in_writing_keeps_the_marriage_ended(registry: Running) -> None:
    h, w = person(date(1967, 1, 1), True), person(date(1969, 1, 1), False)
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    mid = (await registry.post("/marriages", body, expect=201)).json()["marriage_id"]
    declared = (await registry.post("/deaths", death(w, declared=True), expect=201)).json()
    revocation = {"reason": "(2026)浙0727民特13号", "spouse_declines_revival": True}
    got = (
        await registry.post(f"/deaths/{declared['registration_id']}/revocation", revocation, expect=200)
    ).json()
    assert got["marriage_revived"] is None
    assert (await registry.get(f"/people/{h}/marital-status", expect=200)).json()["status"] == "widowed"
    assert (await registry.get(f"/people/{w}/marital-status", expect=200)).json()["status"] == "divorced"
    assert (await registry.get(f"/marriages/{mid}", expect=200)).json()["status"] == "ended_by_death"
