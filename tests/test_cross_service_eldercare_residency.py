"""Two services, one residency: a 特困 person admitted to a 敬老院 in eldercare (入住) is paid by
assistance at the centralised standard (集中供养) from the month after the admission, and at the
dispersed one (分散供养) again from the month after the discharge home, exactly once. Real
PostgreSQL (one database per service) and NATS (one user per service); the only link between them
is the ``ResidentAdmitted`` / ``ResidentDischarged`` contracts. eldercare's message delivered again,
and a copy with a new event id, change nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import httpx

from minzheng_assistance.application.configuration import Division, load_divisions
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import make_resident_id
from minzheng_contracts.eldercare import ResidentAdmitted
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import bearer, oidc_settings

CST = timezone(timedelta(hours=8))
PERSON = make_resident_id("330727", date(1942, 8, 8), 71).reveal()
TOWNSHIP = "330727101"
VILLAGE = "330727101201"
HOME = "jly-cross-330727101"
HISTORY = "the test county's 特困 standards since 2014 (loaded as a correction: they predate the clock)"


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(600):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(what)


async def test_a_tekun_person_admitted_to_a_nursing_home_is_paid_centralised_from_the_next_month_once(
    fresh_database: str, stack, nats_admin
) -> None:  # type: ignore[no-untyped-def]
    eldercare_db = f"cross_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{eldercare_db}"')
    await admin.close()
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    oidc = oidc_settings(stack.issuer)
    assistance = Assistance(
        ServiceSettings("assistance", fresh_database, stack.nats_url("assistance"), oidc=oidc), clock=clock
    )
    eldercare = Eldercare(
        ServiceSettings(
            "eldercare", stack.postgres.admin_url(eldercare_db), stack.nats_url("eldercare"), oidc=oidc
        ),
        clock=clock,
        scheduler=False,
    )
    official = bearer(stack.issuer, division="330727", subject="official-17")  # every role
    try:
        async with (
            assistance.host.running(),
            eldercare.host.running(),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=assistance.app()), base_url="http://a", headers=official
            ) as a,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=eldercare.app()), base_url="http://e", headers=official
            ) as e,
        ):

            async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
                answer = await client.post(path, json=body)
                assert answer.status_code in (200, 201), answer.text
                return dict(answer.json())

            async def count(sql: str, *args: object) -> int:
                async with assistance.host.store.pool.acquire() as conn:
                    return int(await conn.fetchval(sql, *args))

            async def paid() -> list[tuple[str, int]]:
                async with assistance.host.store.pool.acquire() as conn:
                    rows = await conn.fetch(
                        "SELECT data::text AS data FROM events WHERE event_type = 'PaymentIssued' "
                        "AND stream_id LIKE $1 ORDER BY stream_id",
                        f"payment-{case}-%",
                    )
                return [(p["period"], p["amount_fen"]) for p in (json.loads(r["data"]) for r in rows)]

            def changes() -> Awaitable[int]:
                return count(
                    "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'SupportModeChanged'",
                    f"tekun-{case}",
                )

            # assistance: the village, the 特困 standards, a dispersed case
            await load_divisions(
                assistance.context(),
                Actor("registry-policy"),
                [
                    Division(TOWNSHIP, "T101", "township", parent="330727", valid_from=date(2001, 1, 1)),
                    Division(VILLAGE, "V201", "village", parent=TOWNSHIP, valid_from=date(2001, 1, 1)),
                ],
            )
            for parameter, value in (("tekun_dispersed", 60_000), ("tekun_centralised", 80_000)):
                standard = {"parameter": parameter, "jurisdiction": "330727", "effective_from": "2014-01-01"}
                await post(a, "/standards/corrections", {**standard, "value": value, "reason": HISTORY})
            tekun = {"person": PERSON, "residence": VILLAGE, "mode": "dispersed"}
            case = (await post(a, "/tekun", tekun))["case_id"]

            # eldercare: a 敬老院, the person admitted on 10 April
            await load_county_standards(eldercare.context())
            home = {
                "institution_id": HOME,
                "name": "城关镇中心敬老院",
                "kind": "nursing_home",
                "township": TOWNSHIP,
                "beds": 10,
                "model": "public_built_private_run",
                "registered_on": "2026-03-01",
            }
            await post(e, "/institutions", home)
            clock.set(datetime(2026, 4, 10, 9, 0, tzinfo=CST))
            admission = {
                "resident_id": PERSON,
                "agreement_number": "RZ-CROSS-1",
                "agreement_date": "2026-04-09",
                "care_level": "partial",
                "is_tekun": True,
                "admitted_on": "2026-04-10",
            }
            residency = (await post(e, f"/institutions/{HOME}/admissions", admission))["residency_id"]

            def changed(n: int) -> Callable[[], Awaitable[bool]]:
                async def check() -> bool:
                    return await changes() == n

                return check

            await eventually(changed(1), "assistance never learned of the admission")
            await post(a, "/payment-runs", {"period": "2026-04"})
            clock.set(datetime(2026, 5, 4, 9, 0, tzinfo=CST))
            await post(a, "/payment-runs", {"period": "2026-05"})

            # eldercare's message itself, delivered again and re-sent with a new event id
            written = await count("SELECT count(*) FROM events")
            last = await nats_admin.jetstream().get_last_msg("ELDERCARE", ResidentAdmitted.SUBJECT)
            original = ResidentAdmitted.model_validate(json.loads(last.data))
            assert original.data.residency_id == residency
            resent = original.model_copy(update={"event_id": uuid.uuid4()})
            for event, msg_id in ((original, str(uuid.uuid4())), (resent, str(resent.event_id))):
                await nats_admin.jetstream().publish(
                    ResidentAdmitted.SUBJECT,
                    event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": msg_id},
                )

            async def took_the_copy() -> bool:
                return await count("SELECT count(*) FROM inbox WHERE event_id = $1", resent.event_id) == 1

            await eventually(took_the_copy, "assistance never took the copy")
            info = await nats_admin.jetstream().consumer_info("ELDERCARE", "assistance-residency-v1")
            assert info.num_ack_pending == 0 and info.num_pending == 0
            assert await count("SELECT count(*) FROM events") == written

            # discharged home on 20 May: dispersed again from June
            clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=CST))
            await post(
                e,
                f"/institutions/{HOME}/residents/{residency}/discharge",
                {"destination": "home", "discharged_on": "2026-05-20"},
            )
            await eventually(changed(2), "assistance never learned of the discharge")
            clock.set(datetime(2026, 6, 2, 9, 0, tzinfo=CST))
            await post(a, "/payment-runs", {"period": "2026-06"})
            assert await paid() == [("2026-04", 60_000), ("2026-05", 80_000), ("2026-06", 60_000)]
            assert await count("SELECT count(*) FROM events WHERE event_type = 'SupportModeChanged'") == 2
    finally:
        admin = await asyncpg.connect(stack.pg_admin_dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{eldercare_db}" WITH (FORCE)')
        await admin.close()
