"""The relief flow and every 24-hour SLA rule, on the real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import (
    ApprovalGranted,
    ApprovalGrantedData,
    HouseholdApplied,
    HouseholdAppliedData,
    HouseholdMember,
    Period,
    make_resident_id,
)
from minzheng_disaster.application.queries import replay_outcomes
from minzheng_disaster.application.scheduler import raise_due
from minzheng_disaster.entrypoints.app import Disaster

if TYPE_CHECKING:
    from conftest import Running

HEADS = [make_resident_id("330727", date(1950 + n, 3, 1 + n), n).reveal() for n in range(6)]


async def incident(a: Running, *, reported_hours_ago: float = 1) -> str:
    reported = a.clock.now() - timedelta(hours=reported_hours_ago)
    body = {
        "disaster_type": "flood",
        "area": ["330727101"],
        "happened_at": (reported - timedelta(hours=1)).isoformat(),
        "reported_at": reported.isoformat(),
        "reporter": "township office",
    }
    iid = (await a.post("/incidents", body, expect=201)).json()["incident_id"]
    await a.post("/warehouses/w1/receipts", {"item": "quilt", "quantity": 10}, expect=201)
    await a.post(
        f"/incidents/{iid}/allocations",
        {"document": "doc-1", "cash_fen": 200_000, "items": {"quilt": 6}, "warehouse": "w1"},
        expect=201,
    )
    return str(iid)


async def register(a: Running, iid: str, head: str, village: str = "330727101201") -> dict[str, Any]:
    body = {
        "head": head,
        "village": village,
        "members": 3,
        "relocation": 1,
        "damage": "severe",
        "needs": {"cash": True, "quilts": True},
    }
    return (await a.post(f"/incidents/{iid}/households", body, expect=201)).json()


async def deliver(
    a: Running, iid: str, head: str, cash: int = 50_000, quilts: int = 1, expect: int = 201
) -> Any:
    return await a.post(
        f"/incidents/{iid}/deliveries",
        {"head": head, "cash_fen": cash, "items": {"quilt": quilts}},
        expect=expect,
    )


async def sla_events(a: Running) -> list[Any]:
    async with a.service.host.store.pool.acquire() as conn:
        return await conn.fetch(
            "SELECT stream_id, event_type, data::text AS data, occurred_at FROM events "
            "WHERE event_type LIKE 'ReliefSla%' "
            "ORDER BY position"
        )


async def test_every_household_is_met_at_risk_or_breached_exactly_once(disaster: Running) -> None:
    a = disaster
    iid = await incident(a)
    for head in HEADS[:3]:
        await register(a, iid, head)
    assert (await deliver(a, iid, HEADS[0])).json()["sla_met"] is True
    a.clock.advance(timedelta(hours=17, minutes=1))  # 18 h after the report: the warning point
    assert await raise_due(a.service.context()) == {"at_risk": 2, "breached": 0}
    assert await raise_due(a.service.context()) == {"at_risk": 0, "breached": 0}
    assert (await deliver(a, iid, HEADS[1])).json()["sla_met"] is True
    # registered 20 h after the report: its clock still started at the report
    a.clock.advance(timedelta(hours=2))
    late = await register(a, iid, HEADS[3])
    reported = a.clock.now() - timedelta(hours=20, minutes=1)
    assert datetime.fromisoformat(late["deadline"]) == reported + timedelta(hours=24)
    a.clock.advance(timedelta(hours=5))  # past the deadline
    assert await raise_due(a.service.context()) == {"at_risk": 1, "breached": 2}
    assert await raise_due(a.service.context()) == {"at_risk": 0, "breached": 0}
    events = await sla_events(a)
    kinds = [(e["event_type"], e["stream_id"]) for e in events]
    assert len(kinds) == len(set(kinds)), "an SLA event was raised twice"
    board = (await a.http.get(f"/incidents/{iid}/sla")).json()
    assert board["counts"] == {"pending": 0, "met": 2, "breached": 2, "flagged_for_review": 0}
    late_row = next(h for h in board["households"] if h["household"] == late["household"])
    assert late_row["registered_late"] and late_row["outcome"] == "breached"
    # a delivery after the deadline is recorded, but the household stays breached
    assert (await deliver(a, iid, HEADS[2])).json()["sla_met"] is False
    shares = (await a.http.get(f"/incidents/{iid}/sla/shares")).json()
    assert shares["incident"] == {"households": 4, "met": 2, "share_met": 0.5}
    assert shares["townships"]["330727101"]["met"] == 2
    # replaying the incident's events gives the same outcome for every household
    replayed = await replay_outcomes(a.service.host.store, uuid.UUID(iid), a.clock.now())
    assert replayed == {
        h["household"]: h["outcome"] for h in (await a.http.get(f"/incidents/{iid}/sla")).json()["households"]
    }
    # breach events carry the true deadline and the county as escalation level
    breach = next(e for e in events if e["event_type"] == "ReliefSlaBreached")
    data = json.loads(breach["data"])
    assert data["escalated_to"] == "330727"
    assert datetime.fromisoformat(data["deadline"]) == breach["occurred_at"] == reported + timedelta(hours=24)


async def test_restart_across_the_deadline_raises_the_breach_once_late(settings, clock) -> None:  # type: ignore[no-untyped-def]
    service = Disaster(settings, clock=clock, scheduler_interval=0.05)
    async with service.host.running():
        ctx = service.context()
        from minzheng_disaster.application import handlers as h

        reported = clock.now() - timedelta(hours=1)
        iid = await h.report_incident(
            ctx,
            h.Actor("t"),
            incident_id=uuid.uuid4(),
            disaster_type="fire",
            area=["330727101201"],
            happened_at=reported,
            reported_at=reported,
            reporter="r",
            summary=None,
        )
        registered = await h.register_household(
            ctx,
            h.Actor("t"),
            incident_id=iid,
            head=HEADS[0],
            village="330727101201",
            members=1,
            relocation=0,
            damage=h.rules.Damage.COLLAPSED,
            needs={},
        )
    clock.advance(timedelta(hours=40))  # the service is down across the warning point and the deadline
    async with service.host.running():
        for _ in range(200):
            async with service.host.store.pool.acquire() as conn:
                rows = await conn.fetch(
                    "SELECT event_type, data, occurred_at FROM events "
                    "WHERE event_type LIKE 'ReliefSla%' ORDER BY position"
                )
            if any(r["event_type"] == "ReliefSlaBreached" for r in rows):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # more scheduler rounds: nothing more may be raised
        async with service.host.store.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT event_type, data::text AS data, occurred_at FROM events "
                "WHERE event_type LIKE 'ReliefSla%' ORDER BY position"
            )
    assert [r["event_type"] for r in rows] == ["ReliefSlaAtRisk", "ReliefSlaBreached"]
    breach = rows[1]
    data = json.loads(breach["data"])
    true_deadline = reported + timedelta(hours=24)
    assert datetime.fromisoformat(registered["deadline"]) == true_deadline
    assert datetime.fromisoformat(data["deadline"]) == true_deadline == breach["occurred_at"]
    assert datetime.fromisoformat(data["raised_at"]) == clock.now()  # raised late, at the restart


async def test_bad_input_is_refused_and_nothing_is_written(disaster: Running) -> None:
    a = disaster
    now = a.clock.now()
    base = {"disaster_type": "flood", "area": ["330727101"], "reporter": "r"}
    future = {**base, "happened_at": now.isoformat(), "reported_at": (now + timedelta(hours=1)).isoformat()}
    assert (await a.post("/incidents", future, expect=422)).json()["error"]["code"] == "report_in_future"
    before = {**base, "happened_at": now.isoformat(), "reported_at": (now - timedelta(hours=1)).isoformat()}
    assert (await a.post("/incidents", before, expect=422)).json()["error"][
        "code"
    ] == "report_before_occurrence"
    outside = {
        **base,
        "area": ["330728101"],
        "happened_at": (now - timedelta(hours=2)).isoformat(),
        "reported_at": (now - timedelta(hours=1)).isoformat(),
    }
    assert (await a.post("/incidents", outside, expect=422)).json()["error"]["code"] == "area_outside_county"
    iid = await incident(a)
    await register(a, iid, HEADS[0])
    twice = await a.post(
        f"/incidents/{iid}/households",
        {"head": HEADS[0], "village": "330727101201", "members": 3, "relocation": 0, "damage": "light"},
        expect=409,
    )
    assert twice.json()["error"]["code"] == "id_reused"
    assert (await deliver(a, iid, HEADS[0], cash=300_000, expect=409)).json()["error"][
        "code"
    ] == "over_allocation"
    assert (await deliver(a, iid, HEADS[0], quilts=-1, expect=422)).json()["error"][
        "code"
    ] == "negative_quantity"
    stranger = await deliver(a, iid, HEADS[5], expect=404)
    assert stranger.json()["error"]["code"] == "household_not_on_incident"
    too_much = await a.post(
        f"/incidents/{iid}/allocations",
        {"document": "d2", "items": {"quilt": 5}, "warehouse": "w1"},
        expect=409,
    )
    assert too_much.json()["error"] == {
        "code": "insufficient_stock",
        "message": "only 4 quilt available in w1",
        "field": "items.quilt",
    }
    stock = (await a.http.get("/warehouses/w1")).json()["items"]
    assert stock == [{"item": "quilt", "on_hand": 10, "reserved": 6, "available": 4}]
    async with a.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE event_type = 'DisasterReported'") == 1
        assert await conn.fetchval("SELECT count(*) FROM events WHERE event_type = 'ReliefDelivered'") == 0
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_type = 'affected'") == 1
    await deliver(a, iid, HEADS[0], cash=50_000, quilts=2)
    assert (await a.http.get("/warehouses/w1")).json()["items"][0] == {
        "item": "quilt",
        "on_hand": 8,
        "reserved": 4,
        "available": 4,
    }


async def test_vulnerable_households_from_assistance_are_flagged_first(disaster: Running, nats_admin) -> None:  # type: ignore[no-untyped-def]
    a = disaster
    household = uuid.uuid4()
    applied = HouseholdApplied.new(
        data=HouseholdAppliedData(
            household_id=household,
            programme="dibao_rural",
            applicant=HEADS[4],
            members=[
                HouseholdMember(
                    resident_id=HEADS[4], relationship="self", monthly_income_fen=0, employment="unemployed"
                )
            ],
            residence="330727101202",
            applied_on=date(2026, 1, 5),
        ),
        producer="assistance",
        jurisdiction="330727101202",
    )
    approved = ApprovalGranted.new(
        data=ApprovalGrantedData(
            household_id=household,
            programme="dibao_rural",
            category="rural",
            member_count=1,
            monthly_amount_fen=39_600,
            standard_id="dibao_rural:330727:2014-01-01",
            standard_monthly_fen=39_600,
            per_capita_income_fen=0,
            effective_from=Period(2026, 1),
            approved_by="c",
        ),
        producer="assistance",
        jurisdiction="330727101202",
        caused_by=applied,
    )
    js = nats_admin.jetstream()
    for event in (applied, approved):
        await js.publish(
            event.subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
        )
    for _ in range(1200):  # the durable consumer may first work through the stream's history
        async with a.service.host.store.pool.acquire() as conn:
            if await conn.fetchval("SELECT active FROM vulnerable WHERE household_id = $1", household):
                break
        await asyncio.sleep(0.05)
    iid = await incident(a)
    await register(a, iid, HEADS[1])
    flagged = await register(a, iid, HEADS[4], village="330727101202")
    assert flagged["vulnerable"] is True
    board = (await a.http.get(f"/incidents/{iid}/sla")).json()["households"]
    assert board[0]["vulnerable"] and not board[1]["vulnerable"]


async def test_resent_delivery_is_recorded_once_and_an_id_reused_is_refused(disaster: Running) -> None:
    a = disaster
    iid = await incident(a)
    await register(a, iid, HEADS[0])
    body = {"delivery_id": str(uuid.uuid4()), "head": HEADS[0], "cash_fen": 10_000, "items": {"quilt": 1}}
    first = (await a.post(f"/incidents/{iid}/deliveries", body, expect=201)).json()
    assert first["sla_met"] is True and first["flagged_for_review"] is False
    again = await a.post(f"/incidents/{iid}/deliveries", body, expect=201)
    assert again.json() == first and again.headers["idempotent-replayed"] == "true"
    other = await a.post(f"/incidents/{iid}/deliveries", {**body, "cash_fen": 1}, expect=409)
    assert other.json()["error"]["code"] == "id_reused"
    async with a.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE event_type = 'ReliefDelivered'") == 1
        assert await conn.fetchval("SELECT delivered FROM allocations WHERE item = 'cash_fen'") == 10_000


async def test_concurrent_deliveries_never_exceed_the_allocation(disaster: Running) -> None:
    a = disaster
    iid = await incident(a)  # 6 quilts allocated
    for head in HEADS[:4]:
        await register(a, iid, head)
    results = await asyncio.gather(
        *(deliver(a, iid, head, cash=0, quilts=2, expect=None) for head in HEADS[:4] * 2)
    )  # type: ignore[arg-type]
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 3 and set(codes) == {201, 409}, codes
    assert (await a.http.get("/warehouses/w1")).json()["items"][0] == {
        "item": "quilt",
        "on_hand": 4,
        "reserved": 0,
        "available": 4,
    }


async def test_oversized_input_is_refused_never_a_server_error(disaster: Running) -> None:
    a = disaster
    iid = await incident(a)
    huge = [
        ("/warehouses/w1/receipts", {"item": "quilt", "quantity": 2**63}),
        ("/warehouses/w1/receipts", {"item": "quilt", "quantity": 10**9 + 1}),
        ("/warehouses/" + "w" * 101 + "/receipts", {"item": "quilt", "quantity": 1}),
        (f"/incidents/{iid}/allocations", {"document": "d", "cash_fen": 10**13}),
        (f"/incidents/{iid}/allocations", {"document": "d", "items": {"x" * 51: 1}, "warehouse": "w1"}),
        (f"/incidents/{iid}/deliveries", {"head": HEADS[0], "cash_fen": 2**70}),
    ]
    for path, body in huge:
        response = await a.post(path, body)
        assert response.status_code in (404, 422), (path, response.status_code, response.text)
    for _ in range(2):  # the stock row's sum is bounded too: an overflow is a Conflict
        await a.post("/warehouses/w2/receipts", {"item": "quilt", "quantity": 10**9}, expect=201)
    async with a.service.host.store.pool.acquire() as conn:
        await conn.execute("UPDATE stock SET on_hand = 9223372036854775000 WHERE warehouse = 'w2'")
    overflow = await a.post("/warehouses/w2/receipts", {"item": "quilt", "quantity": 10**9}, expect=409)
    assert overflow.json()["error"]["code"] == "stock_overflow"
