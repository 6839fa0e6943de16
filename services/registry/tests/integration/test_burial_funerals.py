"""Funeral cases (殡葬) on the real stack: a cremation once per registered death (also under
concurrency), published as ``CremationRecorded``; the basic-fee waiver by the scope in force on the
date of death (none, 低保/特困 from the assistance service's published contracts or the
certificate, all residents); the ashes' disposition; the record read, masked by role.

A death is registered through the marriage area's ``POST /deaths`` (``given_death``)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_contracts.assistance import (
    ApprovalGranted,
    ApprovalGrantedData,
    BenefitTerminated,
    BenefitTerminatedData,
    HouseholdApplied,
    HouseholdAppliedData,
    HouseholdMember,
)
from minzheng_contracts.period import Period
from minzheng_eventstore.testing import ServiceClient, refused
from minzheng_kernel.calendar import CHINA
from minzheng_registry.application.burial.recipients import on_assistance_event, was_recipient
from minzheng_registry.application.people import person_token

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"
_serial = iter(range(300, 999, 2))


def resident(born: date = date(1941, 7, 3)) -> str:
    return make_resident_id("330727", born, next(_serial) + 1).reveal()


async def given_death(
    registry: ServiceClient, person: str, *, residence: str = VILLAGE, died: date = date(2026, 2, 27)
) -> str:
    """Register the death of ``person`` (the marriage area's ``POST /deaths``); its registration id."""
    body = {
        "deceased": person,
        "date_of_death": died.isoformat(),
        "place": residence,
        "residence": residence,
        "office": "330727",
    }
    return str((await registry.post("/deaths", body, expect=201)).json()["registration_id"])


def cremation(person: str, on: str = "2026-02-28") -> dict[str, Any]:
    return {"deceased": person, "cremated_on": on, "funeral_home": "磐安县殡仪馆"}


def waiver(person: str, **more: Any) -> dict[str, Any]:
    return {"deceased": person, "services": ["transport", "cremation"], **more}


async def test_a_cremation_is_recorded_once_and_published(registry: Running, nats_admin: Any) -> None:
    person = resident()
    registration = await given_death(registry, person)
    responses = await asyncio.gather(
        *(registry.post("/funerals/cremations", cremation(person)) for _ in range(3))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409]
    for loser in (r for r in responses if r.status_code == 409):
        refused(loser, 409, "already_cremated", "deceased")
    assert await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'CremationRecorded'") == 1
    await registry.relay_caught_up()
    message = await nats_admin.jetstream().get_last_msg("REGISTRY", "registry.cremation.recorded")
    published = json.loads(message.data)
    assert published["event_type"] == "CremationRecorded"
    assert published["data"] == {
        "registration_id": registration,
        "deceased": person,
        "cremated_on": "2026-02-28",
        "funeral_home": "磐安县殡仪馆",
        "residence": VILLAGE,
    }


async def test_a_cremation_needs_a_registered_death_and_sane_dates(registry: Running) -> None:
    living = resident()
    refused(await registry.post("/funerals/cremations", cremation(living)), 422, "not_deceased", "deceased")
    person = resident()
    await given_death(registry, person)
    refused(
        await registry.post("/funerals/cremations", cremation(person, "2026-02-26")),
        422,
        "cremated_before_death",
        "cremated_on",
    )
    refused(
        await registry.post("/funerals/cremations", cremation(person, "2026-03-03")),
        422,
        "cremated_in_future",
        "cremated_on",
    )
    bad_id = {**cremation(person), "deceased": person[:-1] + ("0" if person[-1] != "0" else "1")}
    assert (await registry.post("/funerals/cremations", bad_id)).status_code == 422
    assert await registry.fetchval("SELECT count(*) FROM events WHERE stream_type = 'funeral'") == 0


async def _scope(registry: Running, value: int, effective_from: str, jurisdiction: str = "330727") -> None:
    body = {
        "parameter": "funeral_fee_waiver_scope",
        "jurisdiction": jurisdiction,
        "effective_from": effective_from,
        "value": value,
    }
    await registry.post("/standards", body, expect=201)


async def test_the_waiver_follows_the_scope_in_force_on_the_date_of_death(registry: Running) -> None:
    # national: scope 1 (低保/特困 only) from 2009; the county waives for all residents from 03-10,
    # and village 330727101202 waives for none from 03-05 (its own, more specific standard)
    await _scope(registry, 2, "2026-03-10")
    await _scope(registry, 0, "2026-03-05", jurisdiction="330727101202")
    registry.clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=CHINA))
    before, after, none = resident(), resident(), resident()
    await given_death(registry, before, died=date(2026, 3, 9))
    await given_death(registry, after, died=date(2026, 3, 10))
    await given_death(registry, none, residence="330727101202", died=date(2026, 3, 12))

    response = await registry.post("/funerals/waivers", waiver(before))
    refused(response, 422, "not_assistance_recipient", "assistance_certificate")
    assert "funeral_fee_waiver_scope:330727:2009-01-01" in response.json()["error"]["message"]
    shown = (
        await registry.post(
            "/funerals/waivers", waiver(before, assistance_certificate="磐低保字2025第0123号"), expect=201
        )
    ).json()
    assert (shown["basis"], shown["certificate"]) == ("assistance_certificate", "磐低保字2025第0123号")
    assert shown["scope_standard_id"] == "funeral_fee_waiver_scope:330727:2009-01-01"
    refused(
        await registry.post("/funerals/waivers", waiver(before, assistance_certificate="x")),
        409,
        "fees_already_waived",
    )

    everyone = (await registry.post("/funerals/waivers", waiver(after), expect=201)).json()
    assert (everyone["basis"], everyone["scope_standard_id"]) == (
        "all_residents",
        "funeral_fee_waiver_scope:330727:2026-03-10",
    )
    refused(await registry.post("/funerals/waivers", waiver(none)), 422, "waiver_not_in_scope")
    unknown = await registry.post("/funerals/waivers", {**waiver(after), "services": ["flowers"]})
    assert unknown.status_code == 422 and "services" in unknown.text


async def _publish(nats_admin: Any, *events: Any) -> None:
    js = nats_admin.jetstream()
    for event in events:
        await js.publish(
            event.subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
        )


async def test_a_dibao_recipient_per_the_assistance_service_has_the_fees_waived(
    registry: Running, nats_admin: Any
) -> None:
    person, spouse, stranger = resident(), resident(date(1943, 1, 2)), resident()
    household = uuid.uuid4()
    members = [
        HouseholdMember(resident_id=person, relationship="self", monthly_income_fen=0, employment="retired"),
        HouseholdMember(
            resident_id=spouse, relationship="spouse", monthly_income_fen=0, employment="retired"
        ),
    ]
    applied = HouseholdApplied.new(
        data=HouseholdAppliedData(
            household_id=household,
            programme="dibao_rural",
            applicant=person,
            members=members,
            residence=VILLAGE,
            applied_on=date(2025, 11, 5),
        ),
        producer="assistance",
        jurisdiction=VILLAGE,
    )
    approved = ApprovalGranted.new(
        data=ApprovalGrantedData(
            household_id=household,
            programme="dibao_rural",
            category="rural",
            member_count=2,
            monthly_amount_fen=79_200,
            standard_id="dibao_rural:330727:2014-01-01",
            standard_monthly_fen=39_600,
            per_capita_income_fen=0,
            effective_from=Period(2025, 12),
            approved_by="approver-1",
        ),
        producer="assistance",
        jurisdiction=VILLAGE,
        caused_by=applied,
    )
    # the death ends the benefit afterwards (last month paid: the month of death)
    terminated = BenefitTerminated.new(
        data=BenefitTerminatedData(
            household_id=household, programme="dibao_rural", reason="death", last_period=Period(2026, 2)
        ),
        producer="assistance",
        jurisdiction=VILLAGE,
        caused_by=approved,
    )
    await _publish(nats_admin, applied, approved, terminated)
    for _ in range(1200):  # the durable consumer may first work through the stream's history
        done = await registry.fetchval(
            "SELECT through FROM registry_burial_assistance_terminations WHERE household_id = $1",
            household,
        )
        if done is not None:
            break
        await asyncio.sleep(0.05)
    assert done == date(2026, 2, 28)
    stored = await registry.fetchval(
        "SELECT string_agg(person_token, ',') FROM registry_burial_assistance_members"
    )
    assert person not in stored and spouse not in stored  # pseudonyms, never the IDs

    await given_death(registry, person, died=date(2026, 2, 27))
    granted = (await registry.post("/funerals/waivers", waiver(person), expect=201)).json()
    assert (granted["basis"], granted["certificate"]) == ("assistance_record", None)
    # a death after the last month of the benefit is not covered
    registry.clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=CHINA))
    await given_death(registry, spouse, died=date(2026, 3, 2))
    refused(await registry.post("/funerals/waivers", waiver(spouse)), 422, "not_assistance_recipient")
    await given_death(registry, stranger)
    refused(await registry.post("/funerals/waivers", waiver(stranger)), 422, "not_assistance_recipient")


async def test_a_recipient_on_a_date_whatever_the_order_of_the_messages(registry: Running) -> None:
    """A household approved, terminated and approved again, its messages handled out of order (a
    dead-lettered one re-driven after the next): the first period stays covered, the gap between
    the periods is not, the second period is. (Before: the re-approval overwrote the first period,
    and a termination handled before its approval was lost: a recipient for ever.)"""
    person = resident()
    household = uuid.uuid4()
    member = HouseholdMember(
        resident_id=person, relationship="self", monthly_income_fen=0, employment="unable_to_work"
    )
    common: dict[str, Any] = {"producer": "assistance", "jurisdiction": VILLAGE}
    applied = HouseholdApplied.new(
        data=HouseholdAppliedData(
            household_id=household,
            programme="tekun",
            applicant=person,
            members=[member],
            residence=VILLAGE,
            applied_on=date(2025, 5, 5),
        ),
        **common,
    )

    def approval(month: Period) -> Any:
        return ApprovalGranted.new(
            data=ApprovalGrantedData(
                household_id=household,
                programme="tekun",
                category="rural",
                member_count=1,
                monthly_amount_fen=39_600,
                standard_id="tekun:330727:2014-01-01",
                standard_monthly_fen=39_600,
                per_capita_income_fen=0,
                effective_from=month,
                approved_by="approver-1",
            ),
            **common,
        )

    terminated = BenefitTerminated.new(
        data=BenefitTerminatedData(
            household_id=household, programme="tekun", reason="income", last_period=Period(2025, 9)
        ),
        **common,
    )
    ctx = registry.service.context()
    async with registry.service.host.store.pool.acquire() as conn:
        unit: Any = type("Unit", (), {"conn": conn})()
        for message in (terminated, approval(Period(2026, 1)), approval(Period(2025, 6)), applied):
            await on_assistance_event(ctx, message, unit)
        token = person_token(ctx.pseudonyms, person)
        covered = {
            day: await was_recipient(conn, token, day)
            for day in (
                date(2025, 5, 31),
                date(2025, 7, 10),
                date(2025, 9, 30),
                date(2025, 11, 10),
                date(2026, 2, 1),
            )
        }
    assert covered == {
        date(2025, 5, 31): False,
        date(2025, 7, 10): True,
        date(2025, 9, 30): True,
        date(2025, 11, 10): False,
        date(2026, 2, 1): True,
    }


async def test_the_ashes_go_to_the_assigned_plot_a_niche_or_an_eco_burial(registry: Running) -> None:
    cemetery = {
        "name": "尖山镇公益性公墓",
        "kind": "public_interest",
        "location": "330727101",
        "villages": [VILLAGE],
        "document": "磐民〔2026〕12号",
    }
    cid = (await registry.post("/cemeteries", cemetery, expect=201)).json()["cemetery_id"]
    run = {
        "section": "A",
        "first": 1,
        "count": 2,
        "plot_type": "ashes_single",
        "area_dm2": 80,
        "positions": 1,
    }
    await registry.post(f"/cemeteries/{cid}/plots", run, expect=201)
    buried, niche, unplaced = resident(), resident(), resident()
    registration = await given_death(registry, buried)
    await given_death(registry, niche)
    await given_death(registry, unplaced)
    disposal = {"deceased": buried, "disposition": "plot", "place": "-", "disposed_on": "2026-03-02"}
    refused(await registry.post("/funerals/dispositions", disposal), 409, "not_cremated")
    for person in (buried, niche, unplaced):
        await registry.post("/funerals/cremations", cremation(person), expect=201)
    refused(await registry.post("/funerals/dispositions", disposal), 422, "no_plot_assigned", "place")
    await registry.post(
        f"/cemeteries/{cid}/plots/A-002/assignment", {"position": 1, "deceased": buried}, expect=201
    )
    placed = (await registry.post("/funerals/dispositions", disposal, expect=201)).json()
    assert placed["place"] == f"{cid}/A-002/1"
    refused(await registry.post("/funerals/dispositions", disposal), 409, "ashes_already_disposed")
    niche_body = {
        "deceased": niche,
        "disposition": "columbarium",
        "place": "县骨灰堂 3-12",
        "disposed_on": "2026-03-01",
    }
    await registry.post("/funerals/dispositions", niche_body, expect=201)
    early = {**niche_body, "deceased": unplaced, "disposition": "eco_burial", "disposed_on": "2026-02-27"}
    refused(
        await registry.post("/funerals/dispositions", early), 422, "disposed_before_cremation", "disposed_on"
    )

    await registry.post("/funerals/waivers", waiver(buried, assistance_certificate="c-1"), expect=201)
    record = (await registry.get(f"/funerals/{registration}")).json()
    assert record["deceased"] == buried
    assert (record["cremated_on"], record["residence"]) == ("2026-02-28", VILLAGE)
    assert record["disposition"]["disposition"] == "plot"
    assert record["waiver"]["basis"] == "assistance_certificate"
    reviewer = registry.as_caller("township-reviewer", division="330727101")
    masked = (await registry.get(f"/funerals/{registration}", headers=reviewer)).json()
    assert masked["deceased"] == buried[:6] + "********" + buried[-4:]
    other = registry.as_caller("township-reviewer", division="330727102")
    refused(
        await registry.get(f"/funerals/{registration}", headers=other, expect=None),
        403,
        "outside_jurisdiction",
    )
    village_assistant = registry.as_caller("village-assistant")
    refused(
        await registry.get(f"/funerals/{registration}", headers=village_assistant, expect=None),
        403,
        "role_not_permitted",
    )
    refused(await registry.get(f"/funerals/{uuid.uuid4()}", expect=None), 404, "unknown_funeral")


async def test_a_body_is_buried_in_the_body_plot_assigned_and_never_also_cremated(registry: Running) -> None:
    cemetery = {
        "name": "尖山镇公益性公墓",
        "kind": "public_interest",
        "location": "330727101",
        "villages": [VILLAGE],
        "document": "磐民〔2026〕12号",
    }
    cid = (await registry.post("/cemeteries", cemetery, expect=201)).json()["cemetery_id"]
    for run in (
        {"section": "A", "first": 1, "count": 1, "plot_type": "ashes_single", "area_dm2": 80, "positions": 1},
        {"section": "D", "first": 1, "count": 1, "plot_type": "body_single", "area_dm2": 400, "positions": 1},
    ):
        await registry.post(f"/cemeteries/{cid}/plots", run, expect=201)
    body_plot, ashes_plot, none = resident(), resident(), resident()
    registration = await given_death(registry, body_plot)
    await given_death(registry, ashes_plot)
    await given_death(registry, none)
    await registry.post(
        f"/cemeteries/{cid}/plots/D-001/assignment", {"position": 1, "deceased": body_plot}, expect=201
    )
    await registry.post(
        f"/cemeteries/{cid}/plots/A-001/assignment", {"position": 1, "deceased": ashes_plot}, expect=201
    )

    def burial(person: str, on: str = "2026-03-01") -> dict[str, Any]:
        return {"deceased": person, "buried_on": on}

    refused(await registry.post("/funerals/burials", burial(none)), 422, "no_body_plot_assigned", "deceased")
    refused(
        await registry.post("/funerals/burials", burial(ashes_plot)), 422, "no_body_plot_assigned", "deceased"
    )
    refused(
        await registry.post("/funerals/burials", burial(body_plot, "2026-02-26")), 422, "buried_before_death"
    )
    buried = (await registry.post("/funerals/burials", burial(body_plot), expect=201)).json()
    assert buried == {"registration_id": registration, "place": f"{cid}/D-001/1", "buried_on": "2026-03-01"}
    refused(await registry.post("/funerals/burials", burial(body_plot)), 409, "already_buried")
    refused(await registry.post("/funerals/cremations", cremation(body_plot)), 409, "already_buried")
    await registry.post("/funerals/cremations", cremation(ashes_plot), expect=201)
    refused(await registry.post("/funerals/burials", burial(ashes_plot)), 409, "already_cremated")
    record = (await registry.get(f"/funerals/{registration}")).json()
    assert (record["cremated_on"], record["buried"]["place"]) == (None, f"{cid}/D-001/1")
    assert await registry.fetchval("SELECT count(*) FROM events WHERE event_type = 'CremationRecorded'") == 1


async def test_the_cremation_rate_of_an_area_counts_its_residents_deaths(registry: Running) -> None:
    other_village = "330727101202"
    cremated = [resident() for _ in range(3)]
    for person in cremated:
        await given_death(registry, person)
        await registry.post("/funerals/cremations", cremation(person), expect=201)
    waiting = resident()
    await given_death(registry, waiting)
    elsewhere = resident()
    await given_death(registry, elsewhere, residence=other_village)
    await registry.post("/funerals/cremations", cremation(elsewhere), expect=201)
    earlier = resident()
    await given_death(registry, earlier, died=date(2025, 12, 30))
    period = {"start": "2026-01-01", "end": "2026-12-31"}
    village = (await registry.get("/funerals/cremation-rate", division=VILLAGE, **period)).json()
    assert (village["deaths"], village["cremated"], village["buried"], village["rate"]) == (4, 3, 0, 0.75)
    township = (await registry.get("/funerals/cremation-rate", division="330727101", **period)).json()
    assert (township["deaths"], township["cremated"], township["rate"]) == (5, 4, 0.8)
    none = (await registry.get("/funerals/cremation-rate", division="330727102", **period)).json()
    assert (none["deaths"], none["rate"]) == (0, None)
    backwards = await registry.get(
        "/funerals/cremation-rate", expect=None, division=VILLAGE, start="2026-02-01", end="2026-01-01"
    )
    refused(backwards, 422, "invalid_period", "end")
    other = registry.as_caller("township-caseworker", division="330727102")
    refused(
        await registry.get(
            "/funerals/cremation-rate", expect=None, headers=other, division=VILLAGE, **period
        ),
        403,
        "outside_jurisdiction",
        "division",
    )
