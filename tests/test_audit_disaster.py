"""``explain`` of the disaster service's cash relief (``CashReliefPaid``, published as
``PaymentIssued``) on the real stack, by the rule the service declares (``adapters/explain.py``):
no standard, the allocation whose document the payment names (not an earlier one), the
household's registration (members, damage) and the delivery that paid it; the amount is that
delivery's cash. Read by the auditor over HTTP, recorded."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from minzheng_contracts import make_resident_id
from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, running_service

CST = timezone(timedelta(hours=8))
HEAD = make_resident_id("330727", date(1971, 9, 9), 71).reveal()


async def test_cash_relief_is_explained_by_its_allocation_and_delivery(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(datetime(2026, 7, 14, 6, 0, tzinfo=CST))
    settings = ServiceSettings(
        "disaster", fresh_database, stack.nats_url("disaster"), oidc=oidc_settings(stack.issuer)
    )
    service = Disaster(settings, clock=clock, scheduler=False)
    async with running_service(service, issuer=stack.issuer) as d:
        reported = clock.now() - timedelta(hours=1)
        incident = {
            "disaster_type": "flood",
            "area": ["330727101"],
            "happened_at": (reported - timedelta(hours=1)).isoformat(),
            "reported_at": reported.isoformat(),
            "reporter": "township office",
        }
        iid = (await d.post("/incidents", incident, expect=201)).json()["incident_id"]
        await d.post(f"/incidents/{iid}/verification", {"findings": "12 houses flooded"}, expect=200)
        for document, cash in (("doc-1", 200_000), ("doc-2", 500_000)):
            await d.post(
                f"/incidents/{iid}/allocations", {"document": document, "cash_fen": cash}, expect=201
            )
        household = {
            "head": HEAD,
            "village": "330727101201",
            "members": 3,
            "relocation": 1,
            "damage": "severe",
            "needs": {"cash": True},
        }
        await d.post(f"/incidents/{iid}/households", household, expect=201)
        for cash in (50_000, 30_000):
            clock.advance(timedelta(minutes=30))
            await d.post(
                f"/incidents/{iid}/deliveries", {"head": HEAD, "cash_fen": cash, "items": {}}, expect=201
            )

        async with service.host.store.pool.acquire() as conn:
            paid = await conn.fetch(
                "SELECT event_id::text AS id, stream_id FROM events WHERE event_type = 'CashReliefPaid' "
                "ORDER BY position"
            )
            registered = await conn.fetchval(
                "SELECT event_id::text FROM events WHERE event_type = 'HouseholdRegistered'"
            )
        assert len(paid) == 2
        auditor = d.as_caller("auditor", subject="auditor-1")
        found = (await d.get("/audit/explain", headers=auditor, payment=paid[1]["id"])).json()
        assert found["declared"] is True and found["standards"] == []
        assert found["amount_fen"] == found["recomputed_fen"] == 30_000  # the second delivery's cash
        inputs = found["inputs"]
        assert (inputs["document"], inputs["allocated_cash_fen"]) == ("doc-2", 500_000)
        assert (inputs["members"], inputs["damage"], inputs["relocation"]) == (3, "severe", 1)
        assert inputs["delivered_cash_fen"] == 30_000 and inputs["delivered_by"] == "official-test"
        assert found["input_events"]["members"] == registered
        allocations = [
            e["data"]["document"] for e in found["decisions"] if e["event_type"] == "ReliefAllocated"
        ]
        assert allocations == ["doc-2"]  # the one the payment was drawn from, not doc-1
        types = {e["event_type"] for e in found["decisions"]}
        assert {"DisasterReported", "IncidentVerified", "HouseholdRegistered", "ReliefDelivered"} <= types
        assert {e["stream_id"] for e in found["decisions"]} == {f"incident-{iid}", paid[1]["stream_id"]}
        async with service.host.store.pool.acquire() as conn:
            rows = await conn.fetch("SELECT reader, verb, subject FROM audit_reads")
        assert [tuple(r) for r in rows] == [("auditor-1", "explain", paid[1]["stream_id"])]
