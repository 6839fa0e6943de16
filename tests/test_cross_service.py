"""Two services, one case: a 低保 household approved by assistance is known as vulnerable to
disaster relief, which lists it first when a flood hits its village. Real PostgreSQL (one database
per service) and NATS (one user per service); the only link between the services is the contracts."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta, timezone

import asyncpg
import httpx

from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import make_resident_id
from minzheng_contracts.places import DivisionRecorded, DivisionRecordedData
from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import bearer, oidc_settings

CST = timezone(timedelta(hours=8))
HEAD = make_resident_id("330727", date(1958, 8, 8), 77).reveal()


async def test_approved_household_is_flagged_first_by_disaster_relief(
    fresh_database: str, stack, nats_admin
) -> None:  # type: ignore[no-untyped-def]
    disaster_db = f"cross_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{disaster_db}"')
    await admin.close()
    clock = ManualClock(datetime(2026, 7, 1, 9, 0, tzinfo=CST))
    oidc = oidc_settings(stack.issuer)
    assistance = Assistance(
        ServiceSettings("assistance", fresh_database, stack.nats_url("assistance"), oidc=oidc), clock=clock
    )
    disaster = Disaster(
        ServiceSettings(
            "disaster", stack.postgres.admin_url(disaster_db), stack.nats_url("disaster"), oidc=oidc
        ),
        clock=clock,
        scheduler=False,
    )
    # one official of each service's every role over the county; the approver is someone else
    # than the one who investigated (separation of duties)
    official = bearer(stack.issuer, division="330727", subject="official-1")
    approver = bearer(stack.issuer, "county-approver", division="330727", subject="approver-1")
    a_app, d_app = assistance.app(), disaster.app()
    async with (
        assistance.host.running(),
        disaster.host.running(),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=a_app), base_url="http://a", headers=official
        ) as a,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=d_app), base_url="http://d", headers=official
        ) as d,
    ):
        # the county's divisions are the registry's: assistance learns them from DivisionRecorded
        for code, level in (("330727101", "township"), ("330727101201", "village")):
            recorded = DivisionRecorded.new(
                data=DivisionRecordedData(
                    code=code, name=code, level=level, parent=code[:-3], valid_from=date(2001, 1, 1)
                ),
                producer="registry",
                jurisdiction="330727",
            )
            await nats_admin.jetstream().publish(
                DivisionRecorded.SUBJECT,
                recorded.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(recorded.event_id)},
            )
        for _ in range(600):
            async with assistance.host.store.pool.acquire() as conn:
                known = "SELECT count(*) FROM divisions WHERE code = ANY($1::text[])"
                if await conn.fetchval(known, ["330727101", "330727101201"]) == 2:
                    break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("assistance never learned the registry's divisions")
        for parameter, value in (("dibao_rural", 39_600), ("notice_days", 7)):
            body = {
                "parameter": parameter,
                "jurisdiction": "330727",
                "effective_from": "2014-01-01",
                "value": value,
            }
            # a standard that took effect in 2014 is entered now as a recorded correction
            correction = {**body, "reason": "the county's standard since 2014"}
            assert (await a.post("/standards/corrections", json=correction)).status_code == 201
        member = {
            "resident_id": HEAD,
            "relationship": "self",
            "monthly_income_fen": 0,
            "employment": "unemployed",
        }
        applied = await a.post(
            "/households", json={"programme": "dibao_rural", "residence": "330727101201", "members": [member]}
        )
        hid = applied.json()["household_id"]
        for step in ("investigation", "economic_check", "appraisal", "township_review"):
            assert (await a.post(f"/households/{hid}/steps/{step}", json={"passed": True})).status_code == 200
        assert (await a.post(f"/households/{hid}/notice")).status_code == 200
        clock.advance(timedelta(days=8))
        assert (await a.post(f"/households/{hid}/approval", json={}, headers=approver)).status_code == 200

        # the contracts travel: assistance relay → NATS → disaster's durable consumer → its read model
        for _ in range(300):
            async with disaster.host.store.pool.acquire() as conn:
                if await conn.fetchval(
                    "SELECT active FROM vulnerable WHERE household_id = $1", uuid.UUID(hid)
                ):
                    break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("disaster never learned of the approval")

        reported = clock.now() - timedelta(hours=1)
        incident = await d.post(
            "/incidents",
            json={
                "disaster_type": "flood",
                "area": ["330727101"],
                "happened_at": (reported - timedelta(hours=2)).isoformat(),
                "reported_at": reported.isoformat(),
                "reporter": "township office",
            },
        )
        iid = incident.json()["incident_id"]
        other = make_resident_id("330727", date(1966, 6, 6), 66).reveal()
        for head in (other, HEAD):
            registered = await d.post(
                f"/incidents/{iid}/households",
                json={
                    "head": head,
                    "village": "330727101201",
                    "members": 1,
                    "relocation": 0,
                    "damage": "severe",
                },
            )
            assert registered.status_code == 201
        board = (await d.get(f"/incidents/{iid}/sla")).json()["households"]
        assert [entry["vulnerable"] for entry in board] == [True, False]
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    await admin.execute(f'DROP DATABASE IF EXISTS "{disaster_db}" WITH (FORCE)')
    await admin.close()
