"""Discharged soldiers on the real stack: reception with the reporting deadline (a statutory
period over the calendar in force), raised once as overdue at 00:00 +08:00 across a restart, a
report closing it, late reports flagged, the waiver, the placement mode with the 安排工作
conditions, the steps in order, training once per course, bad input 4xx with nothing written,
one reception per person under concurrency, lists and figures."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore import deadlines
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, refused, running_service
from minzheng_kernel.calendar import CHINA
from minzheng_veterans.application.configuration import load_national_standards
from minzheng_veterans.application.placement.scheduler import raise_due
from minzheng_veterans.entrypoints.app import Veterans

if TYPE_CHECKING:
    from conftest import Running


TOWNSHIP = "330727101"
VILLAGE = "330727101201"
APPROVED = "2026-09-01"


def soldier(seq: int = 1, **more: Any) -> dict[str, Any]:
    return {
        "soldier_id": str(uuid.UUID(int=seq)),
        "resident_id": make_resident_id("330727", date(2002, 1, 15), seq).reveal(),
        "residence": VILLAGE,
        "rank": "conscript",
        "household": "rural",
        "service_years": 2,
        "discharge_approved_on": APPROVED,
        **more,
    }


def restarted(database: str, stack: Any, clock: ManualClock) -> Any:
    settings = ServiceSettings(
        "veterans", database, stack.nats_url("veterans"), oidc=oidc_settings(stack.issuer)
    )
    return running_service(Veterans(settings, clock=clock, scheduler=False), issuer=stack.issuer)


async def events_of(client: Any, stream: str) -> list[str]:
    async with client.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch("SELECT event_type FROM events WHERE stream_id = $1 ORDER BY version", stream)
    return [r["event_type"] for r in rows]


async def test_the_reporting_deadline_fires_once_at_midnight_and_survives_a_restart(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(datetime(2026, 9, 2, 9, 0, tzinfo=CHINA))
    async with restarted(fresh_database, stack, clock) as first:
        await load_national_standards(first.service.context())
        # day 30 (2026-10-01) is 国庆, declared non-working, so are 10-02..10-07: the last day is 10-08
        async with first.service.host.store.pool.acquire() as conn:
            for d in range(1, 8):
                await deadlines.set_calendar_day(
                    conn, "330727", date(2026, 10, d), working=False, note="国庆"
                )
        body = (await first.post("/soldiers", soldier(1), expect=201)).json()
        await first.post("/soldiers", soldier(2), expect=201)
        assert body["report_deadline"] == "2026-10-08" and body["status"] == "received"
        clock.set(datetime(2026, 10, 8, 23, 59, tzinfo=CHINA))
        await first.post(f"/soldiers/{uuid.UUID(int=2)}/report", {"reported_on": "2026-10-08"}, expect=201)
        assert await raise_due(first.service.context()) == 0
    # the service is down over the deadline; it comes back after
    clock.set(datetime(2026, 10, 9, 8, 0, tzinfo=CHINA))
    async with restarted(fresh_database, stack, clock) as second:
        assert await raise_due(second.service.context()) == 1
        assert await raise_due(second.service.context()) == 0
        got = (await second.get(f"/soldiers/{uuid.UUID(int=1)}")).json()
        assert got["status"] == "overdue"
        assert await events_of(second, f"soldier-{uuid.UUID(int=1)}") == [
            "DischargedSoldierReceived",
            "ReportingOverdue",
        ]
        async with second.service.host.store.pool.acquire() as conn:
            at = await conn.fetchval(
                "SELECT occurred_at FROM events WHERE stream_id = $1 AND event_type = 'ReportingOverdue'",
                f"soldier-{uuid.UUID(int=1)}",
            )
        assert at == datetime(2026, 10, 9, 0, 0, tzinfo=CHINA)  # its true moment, not when noticed
        # reported on time: never raised
        assert await events_of(second, f"soldier-{uuid.UUID(int=2)}") == [
            "DischargedSoldierReceived",
            "DischargedSoldierReported",
        ]
        # the late report without a reason is flagged, then the benefits waived
        late = (
            await second.post(
                f"/soldiers/{uuid.UUID(int=1)}/report", {"reported_on": "2026-10-09"}, expect=201
            )
        ).json()
        assert late["late_unjustified"] is True
        waived = await second.post(
            f"/soldiers/{uuid.UUID(int=1)}/waiver", {"reason": "逾期未报到"}, expect=201
        )
        assert waived.json()["status"] == "placement_waived"
        refused(
            await second.post(f"/soldiers/{uuid.UUID(int=1)}/placement", {"mode": "self_employment"}),
            409,
            "placement_waived",
        )
        refused(
            await second.post(f"/soldiers/{uuid.UUID(int=2)}/waiver", {"reason": "x"}),
            409,
            "not_late_unjustified",
        )


async def test_arranged_work_by_its_conditions_and_the_steps_in_order(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 9, 10, 9, 0, tzinfo=CHINA))
    sid = uuid.UUID(int=11)
    await veterans.post("/soldiers", soldier(11, rank="nco", service_years=12), expect=201)
    await veterans.post("/soldiers", soldier(12), expect=201)
    refused(await veterans.post(f"/soldiers/{sid}/placement", {"mode": "arranged_work"}), 409, "not_reported")
    for n in (11, 12):
        await veterans.post(f"/soldiers/{uuid.UUID(int=n)}/report", {"reported_on": "2026-09-05"}, expect=201)
    refused(
        await veterans.post(f"/soldiers/{uuid.UUID(int=12)}/placement", {"mode": "arranged_work"}),
        422,
        "not_eligible_for_arranged_work",
        "mode",
    )
    await veterans.post(f"/soldiers/{uuid.UUID(int=12)}/placement", {"mode": "self_employment"}, expect=201)
    await veterans.post(f"/soldiers/{sid}/placement", {"mode": "arranged_work"}, expect=201)
    refused(await veterans.post(f"/soldiers/{sid}/steps", {"step": "interview"}), 409, "step_out_of_order")
    refused(
        await veterans.post(f"/soldiers/{sid}/post", {"employer": "e", "post": "p"}), 409, "step_out_of_order"
    )
    for step in ("written_test", "interview", "file_review"):
        await veterans.post(f"/soldiers/{sid}/steps", {"step": step}, expect=201)
    refused(await veterans.post(f"/soldiers/{sid}/steps", {"step": "file_review"}), 409, "step_completed")
    placed = await veterans.post(
        f"/soldiers/{sid}/post", {"employer": "县供电公司", "post": "运维员"}, expect=201
    )
    assert placed.json()["status"] == "placed" and placed.json()["post"] == "运维员"
    await veterans.post(f"/soldiers/{sid}/training", {"course": "driving"}, expect=201)
    refused(await veterans.post(f"/soldiers/{sid}/training", {"course": "driving"}), 409, "already_enrolled")
    page = (await veterans.get("/soldiers", mode="arranged_work")).json()
    assert page["total"] == 1 and page["items"][0]["soldier_id"] == str(sid)
    figures = (await veterans.get("/soldiers/figures")).json()
    assert figures["by_group"] == {"nco": 1, "rural": 1} and figures["trainees"] == {"driving": 1}


async def test_bad_input_is_refused_naming_the_field_with_nothing_written(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 9, 10, 9, 0, tzinfo=CHINA))
    bad = [
        (soldier(21, resident_id="330727200201150030"), "resident_id"),
        (soldier(21, service_years=41), "service_years"),
        (soldier(21, war_disability_grade=11), "war_disability_grade"),
        (soldier(21, honours=["medal"] * 21), "honours"),
        (soldier(21, residence="110101001001"), "residence"),
        (soldier(21, discharge_approved_on="2026-09-11"), "discharge_approved_on"),
        ({**soldier(21), "extra": 1}, "extra"),
    ]
    for body, field in bad:
        response = await veterans.post("/soldiers", body)
        assert 400 <= response.status_code < 500 and field in response.text, (field, response.text)
    assert (await veterans.get("/soldiers")).json()["total"] == 0
    assert await veterans.fetchval("SELECT count(*) FROM veterans_soldiers") == 0
    await veterans.post("/soldiers", soldier(21), expect=201)
    refused(
        await veterans.post(f"/soldiers/{uuid.UUID(int=21)}/report", {"reported_on": "2026-08-31"}),
        422,
        "reported_before_discharge",
        "reported_on",
    )
    refused(
        await veterans.post(f"/soldiers/{uuid.UUID(int=99)}/report", {"reported_on": "2026-09-02"}),
        404,
        "soldier_not_found",
    )


async def test_one_reception_per_person_under_concurrency(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 9, 10, 9, 0, tzinfo=CHINA))
    person = soldier(31)["resident_id"]
    answers = await asyncio.gather(
        *(veterans.post("/soldiers", soldier(100 + n, resident_id=person)) for n in range(6))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409, 409, 409, 409, 409], [a.text for a in answers]
    assert (await veterans.get("/soldiers")).json()["total"] == 1
    assert await veterans.fetchval("SELECT count(*) FROM deadlines WHERE kind = 'placement-report'") == 1


async def test_the_caseworker_files_the_approver_decides_and_ids_are_masked(veterans: Running) -> None:
    veterans.clock.set(datetime(2026, 9, 10, 9, 0, tzinfo=CHINA))
    caseworker = veterans.as_caller("township-caseworker", division=TOWNSHIP)
    other = veterans.as_caller("township-caseworker", division="330727102")
    body = (await veterans.post("/soldiers", soldier(41), expect=201, headers=caseworker)).json()
    assert "*" in body["resident_id"]
    refused(await veterans.post("/soldiers", soldier(42), headers=other), 403, "outside_jurisdiction")
    await veterans.post(
        f"/soldiers/{uuid.UUID(int=41)}/report", {"reported_on": "2026-09-05"}, headers=caseworker, expect=201
    )
    response = await veterans.post(
        f"/soldiers/{uuid.UUID(int=41)}/placement", {"mode": "self_employment"}, headers=caseworker
    )
    assert response.status_code == 403
    auditor = veterans.as_caller("auditor")
    assert (await veterans.get(f"/soldiers/{uuid.UUID(int=41)}", headers=auditor)).json()[
        "resident_id"
    ] == soldier(41)["resident_id"]
    assert (await veterans.get("/soldiers", headers=other)).json()["total"] == 0
