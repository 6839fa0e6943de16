"""``explain`` of an eldercare allowance (高龄津贴) on the real stack: the monthly run pays at the
band's standard in force; the auditor's explanation of a payment names that standard with its
value then, the band and the elder's decision events, and the payment's amount is that value."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from minzheng_contracts import make_resident_id
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, running_service

CST = timezone(timedelta(hours=8))
ELDER = make_resident_id("330727", date(1938, 6, 1), 61).reveal()


async def test_an_allowance_is_explained_by_its_bands_standard(fresh_database: str, stack: Any) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    settings = ServiceSettings(
        "eldercare", fresh_database, stack.nats_url("eldercare"), oidc=oidc_settings(stack.issuer)
    )
    service = Eldercare(settings, clock=clock, scheduler=False)
    async with running_service(service, issuer=stack.issuer) as e:
        await load_county_standards(service.context())
        body = {"resident_id": ELDER, "residence": "330727101201"}
        elder_id = (await e.post("/elders", body, expect=201)).json()["elder_id"]
        await e.post("/allowance-checks", {"on": "2026-03-02"}, expect=200)
        assert (await e.post("/allowance-runs", {"period": "2026-03"}, expect=201)).json()["paid"] == 1

        auditor = e.as_caller("auditor", subject="auditor-1")
        async with service.host.store.pool.acquire() as conn:
            payment = await conn.fetchval(
                "SELECT data->>'payment_id' FROM events WHERE event_type = 'AllowancePaid'"
            )
            standard = await conn.fetchrow(
                "SELECT parameter, jurisdiction, effective_from, value FROM standards "
                "WHERE parameter = split_part((SELECT data->>'standard_id' FROM events "
                "WHERE event_type = 'AllowancePaid'), ':', 1) ORDER BY effective_from DESC LIMIT 1"
            )
        found = (await e.get("/audit/explain", headers=auditor, payment=payment)).json()
        [used] = found["standards"]
        assert used["parameter"] == standard["parameter"] and used["value_then"] == standard["value"]
        assert used["source"] in ("event", "table") and used["since"] == []
        assert found["amount_fen"] == standard["value"]  # a month at the band's monthly figure
        assert found["inputs"]["band"] == found["payment"]["data"]["band"]
        assert any(d["stream_id"].endswith(elder_id) for d in found["decisions"])
