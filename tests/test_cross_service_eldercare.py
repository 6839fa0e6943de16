"""Two services, one death: a death registered in the registry (死亡登记) ends the eldercare
allowance (高龄津贴) from the right month, exactly once. Real PostgreSQL (one database per service)
and NATS (one user per service); the only link between them is the ``DeathRegistered`` contract.

The allowance is paid through the month of death (March); April and May, paid before the death was
registered, are recorded as overpaid, once each; the June run pays nothing; the registry's message
delivered again, and a copy with a new event id, change nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import httpx

from minzheng_contracts import DeathRegistered, make_resident_id
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import bearer, oidc_settings
from minzheng_registry.entrypoints.app import Registry

CST = timezone(timedelta(hours=8))
ELDER = make_resident_id("330727", date(1941, 6, 1), 41).reveal()
VILLAGE = "330727101201"


async def test_a_death_registered_in_the_registry_ends_the_allowance_from_the_right_month_once(
    fresh_database: str, stack: Any, nats_admin: Any
) -> None:
    registry_db = f"cross_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{registry_db}"')
    await admin.close()
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    oidc = oidc_settings(stack.issuer)
    eldercare = Eldercare(
        ServiceSettings("eldercare", fresh_database, stack.nats_url("eldercare"), oidc=oidc),
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
        eldercare.host.running(),
        registry.host.running(),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=eldercare.app()), base_url="http://e", headers=approver
        ) as e,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=registry.app()), base_url="http://r", headers=registrar
        ) as r,
    ):
        await load_county_standards(eldercare.context())

        async def post(path: str, body: dict[str, object], status: int = 201) -> dict[str, Any]:
            answer = await e.post(path, json=body)
            assert answer.status_code == status, answer.text
            return dict(answer.json())

        elder_id = str((await post("/elders", {"resident_id": ELDER, "residence": VILLAGE}))["elder_id"])
        for month in (3, 4, 5):
            clock.set(datetime(2026, month, 1 if month > 3 else 2, 8, 0, tzinfo=CST))
            await post("/allowance-checks", {"on": f"2026-{month:02d}-0{1 if month > 3 else 2}"}, 200)
            paid = await post("/allowance-runs", {"period": f"2026-{month:02d}"})
            assert paid["paid"] == 1, paid

        clock.set(datetime(2026, 5, 12, 9, 0, tzinfo=CST))
        death = {
            "deceased": ELDER,
            "date_of_death": "2026-03-28",
            "place": VILLAGE,
            "residence": VILLAGE,
            "office": "330727",
        }
        registered = await r.post("/deaths", json=death)
        assert registered.status_code == 201, registered.text

        async def count(sql: str, *args: object) -> int:
            async with eldercare.host.store.pool.acquire() as conn:
                return int(await conn.fetchval(sql, *args))

        for _ in range(600):
            if await count("SELECT count(*) FROM events WHERE event_type = 'AllowanceEnded'"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the eldercare service never learned of the death")
        ended = await count(
            "SELECT count(*) FROM events "
            "WHERE event_type = 'AllowanceEnded' AND data->>'last_period' = '2026-03'"
        )
        assert ended == 1
        overpaid = (await e.get("/allowance-overpayments")).json()
        assert [(o["elder_id"], o["months"], o["amount_fen"]) for o in overpaid] == [
            (elder_id, ["2026-04"], 12_000),
            (elder_id, ["2026-05"], 12_000),
        ]
        assert {o["died_on"] for o in overpaid} == {"2026-03-28"}

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
            # each copy reaches both of eldercare's durable consumers of the registry's deaths
            if await count("SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids) >= 2 * 2:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the eldercare service never took the copies")
        assert len((await e.get("/allowance-overpayments")).json()) == 2
        assert await count("SELECT count(*) FROM events") == written
        assert await count("SELECT count(*) FROM events WHERE event_type = 'AllowanceEnded'") == 1
        assert await count("SELECT count(*) FROM events WHERE event_type = 'OverpaymentRecorded'") == 2

        # paid through March: the June run pays nothing more
        clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=CST))
        june = await post("/allowance-runs", {"period": "2026-06"})
        assert (june["paid"], june["skipped"]) == (0, {"ended": 1})
        lines = (await e.get("/allowance-payments", params={"elder_id": elder_id})).json()["items"]
        assert [x["key"] for x in lines] == ["2026-03", "2026-04", "2026-05"]
