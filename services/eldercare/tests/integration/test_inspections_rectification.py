"""Inspections and rectification on the real stack: an inspection with its findings (404 for an
institution not registered, bad input 4xx naming the field with nothing written), the order's
durable deadline (at risk, then overdue once at 00:00 +08:00 across a restart, admissions suspended
with it), re-inspections (partly fixed stays open, all fixed completes and resumes), the closure
order, and the standing row changing in the transaction of its event (a refusal writes nothing)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import Any

from minzheng_contracts import make_resident_id
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.application.inspections.scheduler import raise_due
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

from .conftest import START, Running, start_eldercare

TOWNSHIP = "330727101"
INST = "inst-330727101-01"
LATER = "inst-330727101-02"


async def register(client: Any, institution_id: str = INST, kind: str = "nursing_home") -> None:
    """The institution registered (备案) by the institutions area, which writes its standing row."""
    body = {
        "institution_id": institution_id,
        "name": "城关镇敬老院",
        "kind": kind,
        "township": TOWNSHIP,
        "beds": 20,
        "model": "private" if kind == "private" else "public",
        "registered_on": "2026-03-01",
    }
    await client.post("/institutions", body, expect=201)


def admission(n: int) -> dict[str, Any]:
    return {
        "resident_id": make_resident_id("330727", date(1944, 5, 6), n).reveal(),
        "agreement_number": f"RZ-2026-{n:03d}",
        "agreement_date": "2026-03-01",
        "care_level": "partial",
        "is_tekun": False,
        "admitted_on": "2026-03-02",
    }


def inspection(n: int = 1, findings: int = 2, **more: Any) -> dict[str, Any]:
    return {
        "inspection_id": str(uuid.UUID(int=n)),
        "institution_id": INST,
        "inspected_on": "2026-03-02",
        "inspector": "县民政局安全检查组",
        "findings": [{"category": "fire", "description": f"隐患 {i}"} for i in range(findings)],
        **more,
    }


async def events_of(client: Any, stream: str = f"oversight-{INST}") -> list[str]:
    async with client.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch("SELECT event_type FROM events WHERE stream_id = $1 ORDER BY version", stream)
    return [r["event_type"] for r in rows]


async def standing_of(client: Any, institution_id: str = INST) -> tuple[bool, bool, str | None]:
    async with client.service.host.store.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT admissions_suspended, closed, order_id FROM institution_standing "
            "WHERE institution_id = $1",
            institution_id,
        )
    return row["admissions_suspended"], row["closed"], row["order_id"]


async def test_an_inspection_records_its_findings_and_bad_input_writes_nothing(eldercare: Running) -> None:
    await register(eldercare, kind="private")
    bad = [
        ({**inspection(), "institution_id": "inst/1"}, "institution_id"),
        (inspection(inspected_on="2026-03-03"), "inspected_on"),
        ({**inspection(), "findings": [{"category": "arson", "description": "x"}]}, "category"),
        ({**inspection(), "findings": [{"category": "fire", "description": "x" * 501}]}, "description"),
        ({**inspection(), "findings": [{"category": "fire", "description": "x", "extra": 1}]}, "extra"),
        ({**inspection(), "inspector": ""}, "inspector"),
        ({**inspection(), "more": 1}, "more"),
    ]
    for body, field in bad:
        response = await eldercare.post("/inspections", body)
        assert 400 <= response.status_code < 500 and field in response.text, (field, response.text)
    refused(
        await eldercare.post("/inspections", inspection(institution_id="inst-unknown")),
        404,
        "institution_not_found",
        "institution_id",
    )
    assert await eldercare.fetchval("SELECT count(*) FROM events WHERE stream_type = 'oversight'") == 0
    body = (await eldercare.post("/inspections", inspection(), expect=201)).json()
    assert [h["sector"] for h in body["hazards"]] == ["private", "private"]  # from the kind
    assert await events_of(eldercare) == ["InspectionCompleted", "HazardFound", "HazardFound"]
    again = await eldercare.post("/inspections", inspection(), expect=201)  # the same command again
    assert again.json() == body
    refused(await eldercare.post("/inspections", inspection(findings=1)), 409, "id_reused", "inspection_id")
    other = eldercare.as_caller("township-caseworker", division="330727102")
    refused(await eldercare.post("/inspections", inspection(2), headers=other), 403, "outside_jurisdiction")
    assert await events_of(eldercare) == ["InspectionCompleted", "HazardFound", "HazardFound"]


async def test_the_overdue_is_raised_once_at_midnight_across_a_restart(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(START)
    order = str(uuid.UUID(int=0xD1))
    async with await start_eldercare(fresh_database, stack, clock) as first:
        first.headers = first.as_caller(subject="official-1")
        await load_county_standards(first.service.context())
        await register(first)
        await first.post("/inspections", inspection(), expect=201)
        body = (
            await first.post(
                f"/inspections/{uuid.UUID(int=1)}/rectification-orders", {"order_id": order}, expect=201
            )
        ).json()
        # 30 calendar days after 2026-03-02, at risk 3 days before
        assert (body["deadline"], body["at_risk_on"], body["status"]) == ("2026-04-01", "2026-03-29", "open")
        clock.set(datetime(2026, 3, 28, 23, 59, tzinfo=CHINA))
        assert await raise_due(first.service.context()) == {"at_risk": 0, "overdue": 0}
        clock.set(datetime(2026, 3, 29, 0, 0, tzinfo=CHINA))
        assert await raise_due(first.service.context()) == {"at_risk": 1, "overdue": 0}
        assert (await first.get(f"/rectification-orders/{order}")).json()["status"] == "at_risk"
        # a second institution's order of 2026-03-05: deadline 04-04, at risk from 04-01
        clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=CHINA))
        await register(first, LATER)
        await first.post("/inspections", inspection(2, findings=1, institution_id=LATER), expect=201)
        await first.post(
            f"/inspections/{uuid.UUID(int=2)}/rectification-orders",
            {"order_id": str(uuid.UUID(int=0xD9))},
            expect=201,
        )
        clock.set(datetime(2026, 3, 31, 23, 59, tzinfo=CHINA))
        assert await raise_due(first.service.context()) == {"at_risk": 0, "overdue": 0}
    # down over both points; a new process on the same database, the clock past them
    clock.set(datetime(2026, 4, 3, 8, 0, tzinfo=CHINA))
    async with await start_eldercare(fresh_database, stack, clock) as second:
        second.headers = second.as_caller(subject="official-1")
        assert await raise_due(second.service.context()) == {"at_risk": 1, "overdue": 1}
        assert await raise_due(second.service.context()) == {"at_risk": 0, "overdue": 0}
        assert (await events_of(second, f"oversight-{LATER}"))[-1] == "RectificationAtRisk"
        async with second.service.host.store.pool.acquire() as conn:
            late = await conn.fetchval(
                "SELECT occurred_at FROM events WHERE event_type = 'RectificationAtRisk' AND stream_id = $1",
                f"oversight-{LATER}",
            )
        assert late == datetime(2026, 4, 1, 0, 0, tzinfo=CHINA)  # raised late, at its true moment
        assert await events_of(second) == [
            "InspectionCompleted",
            "HazardFound",
            "HazardFound",
            "RectificationOrdered",
            "RectificationAtRisk",
            "RectificationOverdue",
            "AdmissionsSuspended",
        ]
        async with second.service.host.store.pool.acquire() as conn:
            at = await conn.fetchval(
                "SELECT occurred_at FROM events WHERE event_type = 'RectificationOverdue' AND stream_id = $1",
                f"oversight-{INST}",
            )
            outbox = await conn.fetchval(
                "SELECT count(*) FROM events WHERE event_type = 'RectificationOverdue'"
            )
        assert at == datetime(2026, 4, 2, 0, 0, tzinfo=CHINA)  # its true moment, not when noticed
        assert outbox == 1
        assert await standing_of(second) == (True, False, order)
        got = (await second.get(f"/rectification-orders/{order}")).json()
        assert got["status"] == "overdue" and len(got["open_hazard_ids"]) == 2
        oversight = (await second.get(f"/institutions/{INST}/oversight")).json()
        assert oversight["status"] == "admissions_suspended" and oversight["suspended_for_order"] == order


async def test_an_order_closes_only_when_every_finding_is_verified_fixed(eldercare: Running) -> None:
    await register(eldercare)
    order = str(uuid.UUID(int=0xD2))
    await eldercare.post("/inspections", inspection(findings=3), expect=201)
    await eldercare.post(
        f"/inspections/{uuid.UUID(int=1)}/rectification-orders", {"order_id": order}, expect=201
    )
    refused(
        await eldercare.post(f"/inspections/{uuid.UUID(int=1)}/rectification-orders", {}),
        409,
        "already_ordered",
    )
    again = await eldercare.post(
        f"/inspections/{uuid.UUID(int=1)}/rectification-orders", {"order_id": order}, expect=201
    )
    assert again.json()["order_id"] == order
    assert (
        await eldercare.fetchval("SELECT count(*) FROM deadlines WHERE kind = 'rectification-deadline'") == 1
    )
    assert (await events_of(eldercare)).count("RectificationOrdered") == 1
    eldercare.clock.set(datetime(2026, 4, 2, 0, 0, tzinfo=CHINA))
    assert (await raise_due(eldercare.service.context()))["overdue"] == 1
    assert await standing_of(eldercare) == (True, False, order)
    admit = f"/institutions/{INST}/admissions"
    refused(await eldercare.post(admit, admission(1)), 409, "admissions_suspended")
    h = [f"{uuid.UUID(int=1)}-{n}" for n in (1, 2, 3)]
    path = f"/rectification-orders/{order}/reinspections"
    refused(
        await eldercare.post(
            path,
            {
                "reinspected_on": "2026-04-02",
                "inspector": "组",
                "findings": [{"hazard_id": "x-1", "fixed": True}],
            },
        ),
        422,
        "unknown_hazard",
        "findings",
    )
    partly = (
        await eldercare.post(
            path,
            {
                "reinspected_on": "2026-04-02",
                "inspector": "组",
                "findings": [{"hazard_id": h[0], "fixed": True}, {"hazard_id": h[1], "fixed": False}],
            },
            expect=201,
        )
    ).json()
    assert partly["status"] == "overdue" and partly["open_hazard_ids"] == h[1:]
    assert await standing_of(eldercare) == (True, False, order)
    done = (
        await eldercare.post(
            path,
            {
                "reinspected_on": "2026-04-02",
                "inspector": "组",
                "findings": [{"hazard_id": h[1], "fixed": True}, {"hazard_id": h[2], "fixed": True}],
            },
            expect=201,
        )
    ).json()
    assert done["status"] == "completed" and done["open_hazard_ids"] == []
    assert (await events_of(eldercare))[-3:] == [
        "ReinspectionRecorded",
        "RectificationCompleted",
        "AdmissionsResumed",
    ]
    assert await standing_of(eldercare) == (False, False, None)
    assert (
        await eldercare.fetchval("SELECT state FROM deadlines WHERE subject = $1", f"rectification-{order}")
        == "met"
    )
    refused(
        await eldercare.post(
            path,
            {
                "reinspected_on": "2026-04-02",
                "inspector": "组",
                "findings": [{"hazard_id": h[0], "fixed": True}],
            },
        ),
        409,
        "order_completed",
    )
    # the completed order's clock is closed: nothing more is raised
    eldercare.clock.set(datetime(2026, 6, 1, 0, 0, tzinfo=CHINA))
    assert await raise_due(eldercare.service.context()) == {"at_risk": 0, "overdue": 0}


async def test_the_escalation_changes_the_standing_row_in_the_events_transaction(eldercare: Running) -> None:
    await register(eldercare)
    order = str(uuid.UUID(int=0xD3))
    await eldercare.post("/inspections", inspection(), expect=201)
    await eldercare.post(
        f"/inspections/{uuid.UUID(int=1)}/rectification-orders", {"order_id": order}, expect=201
    )
    before = await events_of(eldercare)
    closure = f"/institutions/{INST}/closure-orders"
    # no overdue order and admissions not suspended: refused, nothing written, the row unchanged
    refused(await eldercare.post(closure, {"reason": "关停"}), 409, "no_grounds_for_closure")
    refused(
        await eldercare.post(
            f"/institutions/{INST}/admission-suspensions", {"order_id": str(uuid.UUID(int=9)), "reason": "r"}
        ),
        404,
        "order_not_found",
    )
    refused(
        await eldercare.post(
            "/institutions/inst-unknown/admission-suspensions", {"order_id": order, "reason": "r"}
        ),
        404,
        "institution_not_found",
    )
    caseworker = eldercare.as_caller("township-caseworker", division=TOWNSHIP)
    response = await eldercare.post(closure, {"reason": "关停"}, headers=caseworker)
    assert response.status_code == 403
    assert await events_of(eldercare) == before
    assert await standing_of(eldercare) == (False, False, None)
    # the bureau suspends admissions: the event and the row together
    suspended = (
        await eldercare.post(
            f"/institutions/{INST}/admission-suspensions",
            {"order_id": order, "reason": "重大隐患"},
            expect=201,
        )
    ).json()
    assert suspended["status"] == "admissions_suspended"
    assert await standing_of(eldercare) == (True, False, order)
    refused(
        await eldercare.post(
            f"/institutions/{INST}/admission-suspensions", {"order_id": order, "reason": "r"}
        ),
        409,
        "already_suspended",
    )
    # two closure orders at once: one closes, the other is refused; one event, the row closed
    answers = await asyncio.gather(*(eldercare.post(closure, {"reason": "责令关停"}) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409], [a.text for a in answers]
    assert (await events_of(eldercare)).count("InstitutionClosed") == 1
    assert await standing_of(eldercare) == (True, True, order)
    assert (await eldercare.get(f"/institutions/{INST}/oversight")).json()["status"] == "closed"
    refused(await eldercare.post("/inspections", inspection(2)), 409, "institution_closed")
    refused(await eldercare.post(f"/institutions/{INST}/admissions", admission(2)), 409, "institution_closed")


async def test_a_reinspection_racing_the_overdue_leaves_the_order_and_the_row_consistent(
    eldercare: Running,
) -> None:
    """The deadline's scheduler and a completing re-inspection take their locks in one order: each
    race ends with the order completed, admissions not suspended, and an overdue (if raised) before
    the completion, never a 500."""
    homes = [f"inst-330727101-{n:02d}" for n in range(10, 16)]
    for n, home in enumerate(homes, 10):
        await register(eldercare, home)
        await eldercare.post("/inspections", inspection(n, findings=1, institution_id=home), expect=201)
        await eldercare.post(
            f"/inspections/{uuid.UUID(int=n)}/rectification-orders",
            {"order_id": str(uuid.UUID(int=0xE0 + n))},
            expect=201,
        )
    eldercare.clock.set(datetime(2026, 4, 2, 0, 0, tzinfo=CHINA))

    async def fix(n: int) -> int:
        body = {
            "reinspected_on": "2026-04-01",
            "inspector": "组",
            "findings": [{"hazard_id": f"{uuid.UUID(int=n)}-1", "fixed": True}],
        }
        response = await eldercare.post(
            f"/rectification-orders/{uuid.UUID(int=0xE0 + n)}/reinspections", body
        )
        return response.status_code

    answers = await asyncio.gather(raise_due(eldercare.service.context()), *(fix(n) for n in range(10, 16)))
    assert answers[1:] == [201] * len(homes)
    for home in homes:
        kinds = [k for k in await events_of(eldercare, f"oversight-{home}") if k != "HazardFound"]
        assert kinds in (
            ["InspectionCompleted", "RectificationOrdered", "ReinspectionRecorded", "RectificationCompleted"],
            [
                "InspectionCompleted",
                "RectificationOrdered",
                "RectificationAtRisk",
                "ReinspectionRecorded",
                "RectificationCompleted",
            ],
            [
                "InspectionCompleted",
                "RectificationOrdered",
                "RectificationAtRisk",
                "RectificationOverdue",
                "AdmissionsSuspended",
                "ReinspectionRecorded",
                "RectificationCompleted",
                "AdmissionsResumed",
            ],
        ), kinds
        assert await standing_of(eldercare, home) == (False, False, None)
    assert await raise_due(eldercare.service.context()) == {"at_risk": 0, "overdue": 0}
