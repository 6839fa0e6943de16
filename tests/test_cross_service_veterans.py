"""Two services, one death: a death registered in the registry (死亡登记) stops the veterans
pension from the month after the date of death, exactly once. Real PostgreSQL (one database per
service) and NATS (one user per service); the only link between them is the ``DeathRegistered``
contract. The registry's message delivered again, and a copy with a new event id, change nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime, timedelta, timezone

import asyncpg
import httpx

from minzheng_contracts import DeathRegistered, Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import bearer, oidc_settings
from minzheng_kernel.standards import monthly_share
from minzheng_registry.entrypoints.app import Registry
from minzheng_veterans.adapters.entitlement.http import RECOGNITION
from minzheng_veterans.application.death.standards import load_death_standards
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.entrypoints.app import Veterans

CST = timezone(timedelta(hours=8))
VETERAN = make_resident_id("330727", date(1949, 4, 5), 31).reveal()
VILLAGE = "330727101201"
WAR_1 = 8_815_000  # 因战一级 from 2019-08-01, fen a year


async def test_a_death_registered_in_the_registry_stops_the_veterans_pension_once(
    fresh_database: str, stack, nats_admin
) -> None:  # type: ignore[no-untyped-def]
    registry_db = f"cross_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{registry_db}"')
    await admin.close()
    clock = ManualClock(datetime(2026, 2, 20, 9, 0, tzinfo=CST))
    oidc = oidc_settings(stack.issuer)
    veterans = Veterans(
        ServiceSettings("veterans", fresh_database, stack.nats_url("veterans"), oidc=oidc),
        clock=clock,
        scheduler=False,
    )
    registry = Registry(
        ServiceSettings(
            "registry", stack.postgres.admin_url(registry_db), stack.nats_url("registry"), oidc=oidc
        ),
        clock=clock,
        scheduler=False,
    )
    approver = bearer(stack.issuer, "county-approver", division="330727", subject="approver-1")
    registrar = bearer(stack.issuer, "registrar", division="330727", subject="registrar-1")
    async with (
        veterans.host.running(),
        registry.host.running(),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=veterans.app()), base_url="http://v", headers=approver
        ) as v,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=registry.app()), base_url="http://r", headers=registrar
        ) as r,
    ):
        ctx = veterans.context()
        await load_pension_standards(ctx)
        await load_death_standards(ctx)
        recognition = {**RECOGNITION, "resident_id": VETERAN, "residence": VILLAGE, "grade": 1}
        answer = await v.post("/entitlements", json=recognition)
        assert answer.status_code == 201, answer.text
        eid = answer.json()["entitlement_id"]
        for month in (3, 4, 5):
            clock.set(datetime(2026, month, 1, 8, 0, tzinfo=CST))
            await run_pensions(ctx, Actor("approver-1"), Period(2026, month))

        clock.set(datetime(2026, 5, 12, 9, 0, tzinfo=CST))
        death = {
            "deceased": VETERAN,
            "date_of_death": "2026-03-28",
            "place": VILLAGE,
            "residence": VILLAGE,
            "office": "330727",
        }
        registered = await r.post("/deaths", json=death)
        assert registered.status_code == 201, registered.text

        async def opened() -> list[dict[str, object]]:
            return list((await v.get("/death-cases")).json()["items"])

        for _ in range(600):
            if await opened():
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the veterans service never learned of the death")
        [case] = await opened()
        assert case["died_on"] == "2026-03-28" and case["ended"] == [eid]
        assert [(o["period"], o["amount_fen"]) for o in case["overpayments"]] == [  # type: ignore[attr-defined]
            ("2026-04", monthly_share(WAR_1, 4)),
            ("2026-05", monthly_share(WAR_1, 5)),
        ]
        entitlement = (await v.get(f"/entitlements/{eid}")).json()
        assert entitlement["status"] == "cancelled"

        async def count(sql: str, *args: object) -> int:
            async with veterans.host.store.pool.acquire() as conn:
                return int(await conn.fetchval(sql, *args))

        written = await count("SELECT count(*) FROM events")
        # the registry's message itself, delivered again and re-sent with a new event id
        last = await nats_admin.jetstream().get_last_msg("REGISTRY", DeathRegistered.SUBJECT)
        original = DeathRegistered.model_validate(json.loads(last.data))
        resent = original.model_copy(update={"event_id": uuid.uuid4()})
        for event, msg_id in ((original, str(uuid.uuid4())), (resent, str(resent.event_id))):
            await nats_admin.jetstream().publish(
                DeathRegistered.SUBJECT, event.model_dump_json().encode(), headers={"Nats-Msg-Id": msg_id}
            )
        ids = [original.event_id, resent.event_id]
        for _ in range(600):
            if await count("SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids) == 2:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the veterans service never took the copies")
        assert await count("SELECT count(*) FROM events") == written
        assert await count("SELECT count(*) FROM events WHERE event_type = 'EntitlementCancelled'") == 1
        assert await count("SELECT count(*) FROM events WHERE event_type = 'DeathBenefitCaseOpened'") == 1

        # the pension stops from April: the June run pays nothing more
        clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=CST))
        await run_pensions(ctx, Actor("approver-1"), Period(2026, 6))
        lines = (await v.get(f"/entitlements/{eid}/payments")).json()
        assert [x["period"] for x in lines if x["kind"] == "monthly"] == ["2026-03", "2026-04", "2026-05"]
